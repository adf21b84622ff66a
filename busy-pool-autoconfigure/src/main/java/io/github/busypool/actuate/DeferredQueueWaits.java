package io.github.busypool.actuate;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.Recorder;

import io.github.busypool.signal.QueueWaitRecorder;

/**
 * Records queue waits on the thread that runs the task into an HdrHistogram
 * {@link Recorder}, and moves them into a Micrometer {@link Timer} on a thread of its own,
 * every {@link #FLUSH_MILLIS} ms. The registry's own recording then never runs on a
 * request thread: under Graphite, Dropwizard's timer takes a read lock and allocates a
 * sample per value.
 * <p>
 * On the task's thread a wait costs the recorder's few atomic increments and allocates
 * nothing. The price: the timer sees each wait up to a second late, rounded up to
 * HdrHistogram's precision of two significant digits (by less than 1 %), and waits of an
 * hour or more as one hour.
 */
final class DeferredQueueWaits implements QueueWaitRecorder, AutoCloseable {

	/** How often waits are moved into the timer. */
	static final long FLUSH_MILLIS = 1000;

	private static final long LOWEST_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

	private static final long HIGHEST_NANOS = TimeUnit.HOURS.toNanos(1);

	private final Recorder recorder = new Recorder(LOWEST_NANOS, HIGHEST_NANOS, 2);

	private final Timer timer;

	private final ScheduledExecutorService flusher;

	/** Reused by every flush; touched only by the flushing thread, or under close. */
	private Histogram interval;

	DeferredQueueWaits(Timer timer) {
		this.timer = timer;
		this.flusher = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "busy-pool-metrics");
			thread.setDaemon(true);
			return thread;
		});
		this.flusher.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
	}

	@Override
	public void record(long nanos) {
		this.recorder.recordValue(Math.max(0, Math.min(nanos, HIGHEST_NANOS)));
	}

	/**
	 * Moves the waits recorded since the last flush into the timer.
	 */
	synchronized void flush() {
		this.interval = this.recorder.getIntervalHistogram(this.interval);
		if (this.interval.getTotalCount() == 0) {
			return;
		}
		for (HistogramIterationValue value : this.interval.recordedValues()) {
			// The top of the value's bucket: a wait is never reported shorter than it was.
			long nanos = value.getValueIteratedTo();
			for (long i = value.getCountAtValueIteratedTo(); i > 0; i--) {
				this.timer.record(nanos, TimeUnit.NANOSECONDS);
			}
		}
	}

	/**
	 * Stops the flushing thread, after one last flush.
	 */
	@Override
	public void close() {
		this.flusher.shutdown();
		try {
			this.flusher.awaitTermination(FLUSH_MILLIS, TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		flush();
	}

}

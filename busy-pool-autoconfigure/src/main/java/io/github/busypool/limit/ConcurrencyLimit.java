package io.github.busypool.limit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.busypool.BusySignal;
import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.DrainablePool;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.QueueWaitRecorder;

/**
 * A concurrency limit that is a {@link DrainablePool}: at most {@code limit} tasks run at
 * once, and the rest wait for a permit in the order they arrived. Meant for virtual
 * threads, where every request has a thread of its own and nothing else caps the work in
 * flight. Knows no container.
 * <p>
 * The busy rule is the pool's: {@code waiting - free permits > tolerance}, which is
 * {@code inFlight - limit > tolerance}. {@code inFlight} (tasks that have entered and not
 * exited, waiting or running) is one atomic counter, so {@link #enter()} and
 * {@link #exit()} each cost a counter update, the semaphore's compare-and-set, and the
 * {@link BusySignal}'s volatile read; a task that has to wait is parked, without
 * spinning, until a permit is its turn.
 * <p>
 * {@link #runQueuedNow()} lets every waiting task in at once, and every later one too; it
 * is meant for the end of a shutdown, when they are answered rather than left waiting.
 */
public final class ConcurrencyLimit implements DrainablePool {

	private final int limit;

	private final Semaphore permits;

	/** The permits there are: the limit, until {@link #runQueuedNow()} adds more. */
	private volatile int permitted;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** Set by {@link #runQueuedNow()}: from then on every task enters at once. */
	private volatile boolean everyoneIn;

	private final BusySignal signal;

	/** The counts the signal reads, made once so that tracking allocates nothing. */
	private final BusySignal.Counts counts;

	private volatile QueueWaitRecorder queueWaitRecorder;

	/**
	 * Creates a limit.
	 * @param limit the most tasks that run at once (1 or more)
	 * @param queueTolerance how many more waiting tasks than free permits still count as
	 * free (0 or more)
	 */
	public ConcurrencyLimit(int limit, int queueTolerance) {
		if (limit < 1) {
			throw new IllegalArgumentException("limit must be >= 1, was " + limit);
		}
		this.limit = limit;
		this.permitted = limit;
		this.permits = new Semaphore(limit, true);
		this.signal = new BusySignal(queueTolerance, limit, "busy-pool-events");
		this.counts = new BusySignal.Counts() {

			@Override
			public int submitted() {
				return ConcurrencyLimit.this.inFlight.get();
			}

			@Override
			public int threads() {
				return ConcurrencyLimit.this.permitted;
			}

		};
		this.signal.watch(this.counts);
	}

	/**
	 * Waits, in arrival order and without giving up on an interrupt, until this task may
	 * run. Every call must be followed by one {@link #exit()}, in a {@code finally}.
	 */
	public void enter() {
		int now = this.inFlight.incrementAndGet();
		this.signal.track(BusyState.BUSY, this.counts);
		if (this.everyoneIn) {
			// The application is stopping: a late request enters at once, and is answered.
			return;
		}
		QueueWaitRecorder recorder = this.queueWaitRecorder;
		// Time only a task that will likely wait, as the Tomcat pool does.
		if (recorder != null && now > this.permitted) {
			long start = System.nanoTime();
			this.permits.acquireUninterruptibly();
			recorder.record(System.nanoTime() - start);
		}
		else {
			this.permits.acquireUninterruptibly();
		}
	}

	/**
	 * Ends a task that {@link #enter() entered}, letting the next waiting one run.
	 */
	public void exit() {
		this.permits.release();
		this.inFlight.decrementAndGet();
		this.signal.track(BusyState.FREE, this.counts);
	}

	@Override
	public BusyState getState() {
		return this.signal.state();
	}

	@Override
	public PoolSnapshot snapshot() {
		return this.signal.snapshot(this.counts, this.limit);
	}

	@Override
	public long getTransitionCount(BusyState state) {
		return this.signal.transitionCount(state);
	}

	@Override
	public long getSkippedTransitions() {
		return this.signal.skippedTransitions();
	}

	@Override
	public Duration getBusyTime() {
		return this.signal.busyTime();
	}

	@Override
	public void setListeners(List<? extends BusyStateListener> listeners) {
		this.signal.setListeners(listeners);
	}

	@Override
	public void setQueueWaitRecorder(QueueWaitRecorder recorder) {
		this.queueWaitRecorder = recorder;
	}

	@Override
	public void drain() {
		this.signal.drain(this.counts);
	}

	@Override
	public int runQueuedNow() {
		// First the flag, then the count: a task that read the flag unset had already been
		// counted, so it is among the waiting ones let in below.
		this.everyoneIn = true;
		int waiting = Math.max(0, this.inFlight.get() - this.permitted);
		if (waiting > 0) {
			// Raises the limit for good: the application is stopping.
			this.permitted += waiting;
			this.permits.release(waiting);
		}
		return waiting;
	}

	/**
	 * Moves to draining and ends the listener thread; the tasks are the container's and
	 * are not waited for.
	 */
	@Override
	public boolean shutdownGracefully(Duration timeout) {
		drain();
		return this.signal.stop(timeout);
	}

}

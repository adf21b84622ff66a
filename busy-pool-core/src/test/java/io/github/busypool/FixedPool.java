package io.github.busypool;

import io.github.busypool.signal.DrainablePool;
import io.github.busypool.signal.QueueWaitRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DrainablePool} whose counts a test sets: a state, a number of threads, a
 * submitted count it may move, and when it became busy. Records what shutdown asks of it;
 * {@link #runQueuedNow()} gives every waiting task a thread.
 */
public final class FixedPool implements DrainablePool {

	/** Tasks submitted and not finished; a test moves it to play requests completing. */
	public final AtomicInteger submitted;

	private final BusyState state;

	private volatile int threads;

	private final int maxThreads;

	private final Instant busySince;

	private volatile int ranQueuedNow;

	/**
	 * @param state the state it reports
	 * @param threads its threads, also its maximum
	 * @param submitted tasks submitted and not finished
	 * @param busySince when it became busy, or {@code null}
	 */
	public FixedPool(BusyState state, int threads, int submitted, Instant busySince) {
		this.state = state;
		this.threads = threads;
		this.maxThreads = threads;
		this.submitted = new AtomicInteger(submitted);
		this.busySince = busySince;
	}

	/**
	 * Returns how often {@link #runQueuedNow()} was called.
	 * @return the count
	 */
	public int ranQueuedNow() {
		return this.ranQueuedNow;
	}

	@Override
	public BusyState getState() {
		return this.state;
	}

	@Override
	public PoolSnapshot snapshot() {
		return PoolSnapshot.of(this.state, this.submitted.get(), this.threads, this.maxThreads, this.busySince);
	}

	@Override
	public long getTransitionCount(BusyState state) {
		return 0;
	}

	@Override
	public long getSkippedTransitions() {
		return 0;
	}

	@Override
	public Registration addListener(BusyStateListener listener) {
		return () -> {
		};
	}

	@Override
	public Duration getBusyTime() {
		return Duration.ZERO;
	}

	@Override
	public void setListeners(List<? extends BusyStateListener> listeners) {
	}

	@Override
	public void setQueueWaitRecorder(QueueWaitRecorder recorder) {
	}

	@Override
	public void drain() {
	}

	@Override
	public int runQueuedNow() {
		this.ranQueuedNow++;
		// Every task waiting starts, on a thread of its own.
		int waiting = Math.max(0, this.submitted.get() - this.threads);
		this.threads = Math.max(this.threads, this.submitted.get());
		return waiting;
	}

	@Override
	public boolean shutdownGracefully(Duration timeout) {
		return true;
	}

}

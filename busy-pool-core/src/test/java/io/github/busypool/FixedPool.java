package io.github.busypool;

import io.github.busypool.signal.DrainablePool;
import io.github.busypool.signal.QueueWaitRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link DrainablePool} whose counts a test sets: a state, a number of threads, a
 * submitted count it may move, and when it became busy. Records what shutdown asks of it.
 */
public final class FixedPool implements DrainablePool {

	/** Tasks submitted and not finished; a test moves it to play requests completing. */
	public final AtomicInteger submitted;

	private final BusyState state;

	private final int threads;

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
		return PoolSnapshot.of(this.state, this.submitted.get(), this.threads, this.threads, this.busySince);
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
		return 0;
	}

	@Override
	public boolean shutdownGracefully(Duration timeout) {
		return true;
	}

}

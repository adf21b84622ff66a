package io.github.busypool.limit;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.busypool.BusyState;
import io.github.busypool.signal.PoolAdapter;
import io.github.busypool.signal.QueueWaitRecorder;
import io.github.busypool.signal.SignalledPool;

/**
 * A concurrency limit, composed with a {@link SignalledPool} ({@link #busyPool()}): at
 * most {@code limit} tasks run at once, and the rest wait for a permit in the order they
 * arrived. Meant for virtual
 * threads, where every request has a thread of its own and nothing else caps the work in
 * flight. Knows no container.
 * <p>
 * The busy rule is the pool's: {@code waiting - free permits > tolerance}, which is
 * {@code inFlight - limit > tolerance}. {@code inFlight} (tasks that have entered and not
 * exited, waiting or running) is one atomic counter, so {@link #enter()} and
 * {@link #exit()} each cost a counter update, the semaphore's compare-and-set, and the
 * signalled pool's volatile read; a task that has to wait is parked, without
 * spinning, until a permit is its turn.
 * <p>
 * Finishing the queue ({@link SignalledPool#runQueuedNow()}) lets every waiting task in
 * at once, and every later one too; it is meant for the end of a shutdown, when they are
 * answered rather than left waiting.
 */
public final class ConcurrencyLimit {

	private final int limit;

	private final Semaphore permits;

	/** The permits there are: the limit, until {@link PoolAdapter#runQueuedNow()} adds more. */
	private volatile int permitted;

	private final AtomicInteger inFlight = new AtomicInteger();

	/** Set once the queue is finished: from then on every task enters at once. */
	private volatile boolean everyoneIn;

	private final SignalledPool busyPool;

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
		this.busyPool = new SignalledPool(queueTolerance, new Adapter());
	}

	/**
	 * Returns the limit as busy-pool sees it: its state, transitions and shutdown.
	 * @return the signalled pool
	 */
	public SignalledPool busyPool() {
		return this.busyPool;
	}

	/**
	 * Waits, in arrival order and without giving up on an interrupt, until this task may
	 * run. Every call must be followed by one {@link #exit()}, in a {@code finally}.
	 */
	public void enter() {
		int now = this.inFlight.incrementAndGet();
		this.busyPool.track(BusyState.BUSY);
		if (this.everyoneIn) {
			// The application is stopping: a late request enters at once, and is answered.
			return;
		}
		QueueWaitRecorder recorder = this.busyPool.queueWaitRecorder();
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
		this.busyPool.track(BusyState.FREE);
	}

	@Override
	public String toString() {
		return "ConcurrencyLimit[limit=" + this.limit + ", inFlight=" + this.inFlight.get() + "]";
	}

	/** The limit's counts and shutdown steps, as the signalled pool reads them. */
	private final class Adapter implements PoolAdapter {

		private final ConcurrencyLimit owner = ConcurrencyLimit.this;

		@Override
		public int submitted() {
			return this.owner.inFlight.get();
		}

		@Override
		public int threads() {
			return this.owner.permitted;
		}

		@Override
		public int maxThreads() {
			return this.owner.limit;
		}

		/** Lets every waiting task in at once, and every later one too. */
		@Override
		public int runQueuedNow() {
			// First the flag, then the count: a task that read the flag unset had already
			// been counted, so it is among the waiting ones let in below.
			this.owner.everyoneIn = true;
			int waiting = Math.max(0, this.owner.inFlight.get() - this.owner.permitted);
			if (waiting > 0) {
				// Raises the limit for good: the application is stopping.
				this.owner.permitted += waiting;
				this.owner.permits.release(waiting);
			}
			return waiting;
		}

		/** Nothing: the tasks are the container's, and are not waited for. */
		@Override
		public boolean stop(Duration timeout) {
			return true;
		}

	}

}

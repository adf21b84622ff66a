package io.github.busypool.jetty;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import io.github.busypool.BusySignal;
import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.DrainablePool;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.QueueWaitRecorder;
import io.github.busypool.QueueWaitTimer;

/**
 * Jetty's {@link QueuedThreadPool} that knows at every moment whether it is
 * {@link BusyState#BUSY busy} and signals every transition, with the same rule as the
 * Tomcat pool: busy when {@code queued - idle > queueTolerance}.
 * <p>
 * What it relies on: Jetty keeps {@code idle - queued} as one lock-free counter (the low
 * half of its thread counts), which {@link #getIdleThreads()} and {@link #getQueueSize()}
 * read; its leased threads (acceptors and selectors) are never idle there. The pool keeps
 * no reserved threads (Jetty's default keeps a few for its producer/consumer hand-off,
 * which never take a queued job), so every thread that is not leased runs queued jobs, and
 * every request goes through the queue, where the pool sees it. The state is brought
 * in line after each {@code execute}, which lowers that counter, and each time a pool
 * thread goes back to its queue for work, just after Jetty has raised it again: the pool
 * uses a queue of its own whose {@code poll} and {@code take} are that hook. Each costs
 * one volatile read of the state, plus the counts when the event could have changed it.
 * <p>
 * Counts in a snapshot: the threads that run jobs (leased threads and idle reserved
 * threads left out), idle ones, and queued jobs, all from Jetty's counters.
 * <p>
 * Jetty's own {@code getState()} is its life cycle's, so the pool is read through
 * {@link #busyPool()}, the {@link DrainablePool} that health, metrics and the check use.
 */
public class BusyQueuedThreadPool extends QueuedThreadPool {

	private final BusySignal signal;

	/** Counts that the signal reads, made once so that tracking allocates nothing. */
	private final BusySignal.Counts counts;

	private final int queueTolerance;

	/** The maximum it was created with: how many more threads late jobs may start. */
	private final int configuredMaxThreads;

	/**
	 * Acceptor and selector threads, which never run a request: read again by each snapshot
	 * and each revalidation (see {@link BusySignal#watch}).
	 */
	private volatile int leased;

	private volatile QueueWaitRecorder queueWaitRecorder;

	private final DrainablePool busyPool = new View();

	/**
	 * Creates a pool, as Boot creates Jetty's from {@code server.jetty.threads.*}.
	 * @param maxThreads the most threads
	 * @param minThreads threads kept even when idle
	 * @param idleTimeoutMillis how long an idle thread above the minimum lives
	 * @param maxQueueCapacity the most jobs that may wait, or {@code null} for Jetty's
	 * growing default
	 * @param queueTolerance how many more queued jobs than idle threads still count as free
	 */
	public BusyQueuedThreadPool(int maxThreads, int minThreads, int idleTimeoutMillis, Integer maxQueueCapacity,
			int queueTolerance) {
		this(maxThreads, minThreads, idleTimeoutMillis,
				(maxQueueCapacity != null) ? new JobQueue(maxQueueCapacity) : new JobQueue(), queueTolerance);
	}

	private BusyQueuedThreadPool(int maxThreads, int minThreads, int idleTimeoutMillis, JobQueue queue,
			int queueTolerance) {
		super(maxThreads, minThreads, idleTimeoutMillis, queue);
		// No reserved threads: Jetty keeps them for its own hand-off and never gives them a
		// queued job, so a request could wait behind an idle reserved thread, and HAProxy's
		// maxconn (the threads that run requests) would overfill the pool by as many.
		setReservedThreads(0);
		this.queueTolerance = queueTolerance;
		this.configuredMaxThreads = maxThreads;
		this.signal = new BusySignal(queueTolerance, maxThreads, "busy-pool-events");
		this.counts = new BusySignal.Counts() {

			@Override
			public int submitted() {
				return threads() + getQueueSize() - getIdleThreads();
			}

			@Override
			public int threads() {
				return getThreads() - BusyQueuedThreadPool.this.leased;
			}

		};
		// The listener thread, once a second while nothing happens, also learns which
		// threads Jetty has leased (acceptors and selectors): known from the start, not
		// only once a snapshot was taken.
		this.signal.watch(new BusySignal.Counts() {

			@Override
			public int submitted() {
				return BusyQueuedThreadPool.this.counts.submitted();
			}

			@Override
			public int threads() {
				BusyQueuedThreadPool.this.leased = getLeasedThreads();
				return BusyQueuedThreadPool.this.counts.threads();
			}

		});
		queue.pool = this;
	}

	@Override
	public void execute(Runnable job) {
		QueueWaitRecorder recorder = this.queueWaitRecorder;
		// Time only a job that will wait, as the Tomcat pool does.
		boolean willWait = recorder != null && getIdleThreads() == 0;
		try {
			super.execute(willWait ? new QueueWaitTimer(job, recorder) : job);
		}
		finally {
			this.signal.track(BusyState.BUSY, this.counts);
		}
	}

	/** Called by a pool thread that asks its queue for work: it has just become idle. */
	private void onIdle() {
		this.signal.track(BusyState.FREE, this.counts);
	}

	/**
	 * Returns the pool as busy-pool's contract sees it.
	 * @return the pool's {@link DrainablePool} view
	 */
	public DrainablePool busyPool() {
		return this.busyPool;
	}

	/**
	 * Returns how many more queued jobs than idle threads still count as free.
	 * @return the tolerance
	 */
	public int getQueueTolerance() {
		return this.queueTolerance;
	}

	@Override
	protected void doStop() throws Exception {
		this.busyPool.drain();
		super.doStop();
	}

	private PoolSnapshot snapshot() {
		this.leased = getLeasedThreads();
		int threads = getThreads() - this.leased - getAvailableReservedThreads();
		int net = getIdleThreads() - getQueueSize();
		return PoolSnapshot.of(this.signal.state(), threads - net, threads, getMaxAvailableThreads(),
				this.signal.busySince());
	}

	/** See {@link DrainablePool#runQueuedNow()}: every task runs at once from now on. */
	private int runQueuedNow() {
		int queued = getQueueSize();
		int threads = getThreads() + queued;
		setMaxThreads(Math.max(getMaxThreads(), threads + this.configuredMaxThreads));
		if (queued > 0) {
			setMinThreads(threads);
		}
		return queued;
	}

	/** The pool as busy-pool's contract sees it. */
	private final class View implements DrainablePool {

		private final BusyQueuedThreadPool pool = BusyQueuedThreadPool.this;

		@Override
		public BusyState getState() {
			return this.pool.signal.state();
		}

		@Override
		public PoolSnapshot snapshot() {
			return this.pool.snapshot();
		}

		@Override
		public long getTransitionCount(BusyState state) {
			return this.pool.signal.transitionCount(state);
		}

		@Override
		public long getSkippedTransitions() {
			return this.pool.signal.skippedTransitions();
		}

		@Override
		public Duration getBusyTime() {
			return this.pool.signal.busyTime();
		}

		@Override
		public void setListeners(List<? extends BusyStateListener> listeners) {
			this.pool.signal.setListeners(listeners);
		}

		@Override
		public void setQueueWaitRecorder(QueueWaitRecorder recorder) {
			this.pool.queueWaitRecorder = recorder;
		}

		@Override
		public void drain() {
			this.pool.signal.drain(this.pool.counts);
		}

		@Override
		public int runQueuedNow() {
			return this.pool.runQueuedNow();
		}

		/**
		 * Moves to draining and ends the listener thread; Jetty stops the pool itself, with
		 * the server.
		 */
		@Override
		public boolean shutdownGracefully(Duration timeout) {
			drain();
			return this.pool.signal.stop(timeout);
		}

		@Override
		public String toString() {
			return this.pool.toString();
		}

	}

	/**
	 * Jetty's own queue, whose {@code poll} and {@code take}, which only pool threads call
	 * when they look for work, tell the pool first.
	 */
	static final class JobQueue extends BlockingArrayQueue<Runnable> {

		volatile BusyQueuedThreadPool pool;

		/** Unbounded, growing as needed, as Jetty's default queue. */
		JobQueue() {
		}

		JobQueue(int maxCapacity) {
			super(maxCapacity);
		}

		private void idle() {
			BusyQueuedThreadPool pool = this.pool;
			if (pool != null) {
				pool.onIdle();
			}
		}

		@Override
		public Runnable poll() {
			idle();
			return super.poll();
		}

		@Override
		public Runnable poll(long time, TimeUnit unit) throws InterruptedException {
			idle();
			return super.poll(time, unit);
		}

		@Override
		public Runnable take() throws InterruptedException {
			idle();
			return super.take();
		}

	}

}

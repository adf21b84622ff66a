package io.github.busypool.tomcat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

import io.github.busypool.BusyState;
import io.github.busypool.signal.PoolAdapter;
import io.github.busypool.signal.QueueWaitRecorder;
import io.github.busypool.signal.QueueWaitTimer;
import io.github.busypool.signal.SignalledPool;

/**
 * Tomcat's {@link ThreadPoolExecutor}, with its {@link TaskQueue} semantics, that knows at
 * every moment whether it is {@link BusyState#BUSY busy} and signals every transition,
 * through the {@link SignalledPool} it is composed with ({@link #busyPool()}).
 * <p>
 * The pool is busy when {@code queued - idle > queueTolerance}. Tomcat already counts
 * submitted-but-unfinished tasks without a lock, and {@code queued - idle} equals
 * {@code submitted - threads}, so the test after each {@code execute} and each completed
 * task costs one volatile read of the state, plus two reads of the counts when the task
 * could have changed it; only a transition costs a compare-and-set.
 * <p>
 * What it relies on: Tomcat's submitted count (an atomic counter, incremented before a
 * task is queued and decremented after it ran) and its lock-free pool size read.
 * <p>
 * Built with no threads; {@link #start} names them the way Tomcat names its own and
 * starts the min spare ones. On {@link #shutdown} the state becomes
 * {@link BusyState#DRAINING} for good.
 */
public class BusyPoolExecutor extends ThreadPoolExecutor {

	private static final long KEEP_ALIVE_SECONDS = 60;

	private final int minSpareThreads;

	private final int queueTolerance;

	/** The maximum it was created with: how many more threads late tasks may start. */
	private final int configuredMaxThreads;

	private final SignalledPool busyPool;

	/**
	 * Creates a pool with no threads yet.
	 * @param minSpareThreads threads kept even when idle (Tomcat's min spare threads)
	 * @param maxThreads the most threads the pool grows to
	 * @param maxQueueCapacity the most tasks that may wait; more are rejected
	 * @param queueTolerance how many more queued tasks than idle threads still count as
	 * free
	 */
	public BusyPoolExecutor(int minSpareThreads, int maxThreads, int maxQueueCapacity, int queueTolerance) {
		super(0, maxThreads, KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, new TaskQueue(maxQueueCapacity),
				new TaskThreadFactory("busy-pool-exec-", true, Thread.NORM_PRIORITY));
		if (minSpareThreads < 0 || minSpareThreads > maxThreads) {
			throw new IllegalArgumentException(
					"minSpareThreads must be between 0 and maxThreads (" + maxThreads + "), was " + minSpareThreads);
		}
		((TaskQueue) getQueue()).setParent(this);
		this.minSpareThreads = minSpareThreads;
		this.queueTolerance = queueTolerance;
		this.configuredMaxThreads = maxThreads;
		this.busyPool = new SignalledPool(queueTolerance, new Adapter());
	}

	/**
	 * Names the threads and starts the min spare ones, as Tomcat does for its own
	 * executor, and the pool's listener thread.
	 * @param threadNamePrefix the prefix of thread names, for example
	 * {@code http-nio-8080-exec-}
	 */
	public void start(String threadNamePrefix) {
		setThreadFactory(new TaskThreadFactory(threadNamePrefix, true, Thread.NORM_PRIORITY));
		setCorePoolSize(this.minSpareThreads);
		prestartAllCoreThreads();
		this.busyPool.start();
	}

	/**
	 * Returns the pool as busy-pool sees it: its state, transitions and shutdown.
	 * @return the signalled pool
	 */
	public SignalledPool busyPool() {
		return this.busyPool;
	}

	@Override
	public void execute(Runnable command) {
		if (command == null) {
			throw new NullPointerException();
		}
		QueueWaitRecorder recorder = this.busyPool.queueWaitRecorder();
		// Time only a task that will wait: one that finds an idle thread is handed over
		// at once, and timing it would cost two clock reads and an object for nothing.
		boolean willWait = recorder != null && getSubmittedCount() >= getPoolSizeNoLock();
		try {
			super.execute(willWait ? new QueueWaitTimer(command, recorder) : command);
		}
		finally {
			this.busyPool.track(BusyState.BUSY);
		}
	}

	@Override
	protected void afterExecute(Runnable r, Throwable t) {
		try {
			// First, because it decrements the submitted count that track() reads.
			super.afterExecute(r, t);
		}
		finally {
			this.busyPool.track(BusyState.FREE);
		}
	}

	@Override
	public void shutdown() {
		this.busyPool.drain();
		super.shutdown();
	}

	@Override
	public List<Runnable> shutdownNow() {
		this.busyPool.drain();
		return super.shutdownNow();
	}

	@Override
	protected void terminated() {
		super.terminated();
		this.busyPool.requestStop();
	}

	/**
	 * Returns how many more queued tasks than idle threads still count as free.
	 * @return the tolerance
	 */
	public int getQueueTolerance() {
		return this.queueTolerance;
	}

	/**
	 * Returns the number of threads kept even when idle.
	 * @return the min spare threads
	 */
	public int getMinSpareThreads() {
		return this.minSpareThreads;
	}

	/** The executor's counts and shutdown steps, as the signalled pool reads them. */
	private final class Adapter implements PoolAdapter {

		private final BusyPoolExecutor executor = BusyPoolExecutor.this;

		@Override
		public int submitted() {
			return this.executor.getSubmittedCount();
		}

		@Override
		public int threads() {
			return this.executor.getPoolSizeNoLock();
		}

		@Override
		public int maxThreads() {
			return this.executor.getMaximumPoolSize();
		}

		/**
		 * Starts a thread for each task still queued, and lets each task that arrives
		 * later start a thread of its own when none is idle (up to as many again as the
		 * pool's maximum), however long the running ones take.
		 */
		@Override
		public int runQueuedNow() {
			int queued = this.executor.getQueue().size();
			int threads = this.executor.getPoolSize() + queued;
			this.executor.setMaximumPoolSize(Math.max(this.executor.getMaximumPoolSize(),
					threads + this.executor.configuredMaxThreads));
			if (queued > 0) {
				this.executor.setCorePoolSize(threads);
			}
			return queued;
		}

		/**
		 * Shuts the executor down, waits for running tasks, then interrupts what is left
		 * and waits again, as Tomcat does with its own executor when the connector stops.
		 */
		@Override
		public boolean stop(Duration timeout) {
			this.executor.shutdown();
			try {
				if (!this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					this.executor.shutdownNow();
					this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				this.executor.shutdownNow();
			}
			return this.executor.isTerminated();
		}

		@Override
		public String toString() {
			return this.executor.toString();
		}

	}

}

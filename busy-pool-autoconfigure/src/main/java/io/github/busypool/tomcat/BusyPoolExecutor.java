package io.github.busypool.tomcat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

import io.github.busypool.BusySignal;
import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.DrainablePool;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.QueueWaitRecorder;
import io.github.busypool.QueueWaitTimer;

/**
 * Tomcat's {@link ThreadPoolExecutor}, with its {@link TaskQueue} semantics, that knows at
 * every moment whether it is {@link BusyState#BUSY busy} and signals every transition.
 * <p>
 * The pool is busy when {@code queued - idle > queueTolerance}. Tomcat already counts
 * submitted-but-unfinished tasks without a lock, and {@code queued - idle} equals
 * {@code submitted - threads}, so the test after each {@code execute} and each completed
 * task costs one volatile read of the state, plus two reads of the counts when the task
 * could have changed it; only a transition costs a compare-and-set (see
 * {@link BusySignal}). Listeners run on a thread of the pool's own (see
 * {@link #setListeners}).
 * <p>
 * What it relies on: Tomcat's submitted count (an atomic counter, incremented before a
 * task is queued and decremented after it ran) and its lock-free pool size read.
 * <p>
 * Built with no threads; {@link #start} names them the way Tomcat names its own and
 * starts the min spare ones. On {@link #shutdown} the state becomes
 * {@link BusyState#DRAINING} for good.
 */
public class BusyPoolExecutor extends ThreadPoolExecutor implements DrainablePool {

	private static final long KEEP_ALIVE_SECONDS = 60;

	private final int minSpareThreads;

	private final int queueTolerance;

	private final BusySignal signal;

	/** The counts the signal reads, made once so that tracking allocates nothing. */
	private final BusySignal.Counts counts;

	/** The maximum it was created with: how many more threads late tasks may start. */
	private final int configuredMaxThreads;

	private volatile QueueWaitRecorder queueWaitRecorder;

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
		this.signal = new BusySignal(queueTolerance, maxThreads, "busy-pool-events");
		this.counts = new BusySignal.Counts() {

			@Override
			public int submitted() {
				return getSubmittedCount();
			}

			@Override
			public int threads() {
				return getPoolSizeNoLock();
			}

		};
		this.signal.watch(this.counts);
	}

	/**
	 * Names the threads and starts the min spare ones, as Tomcat does for its own
	 * executor.
	 * @param threadNamePrefix the prefix of thread names, for example
	 * {@code http-nio-8080-exec-}
	 */
	public void start(String threadNamePrefix) {
		setThreadFactory(new TaskThreadFactory(threadNamePrefix, true, Thread.NORM_PRIORITY));
		setCorePoolSize(this.minSpareThreads);
		prestartAllCoreThreads();
	}

	@Override
	public void execute(Runnable command) {
		if (command == null) {
			throw new NullPointerException();
		}
		QueueWaitRecorder recorder = this.queueWaitRecorder;
		// Time only a task that will wait: one that finds an idle thread is handed over
		// at once, and timing it would cost two clock reads and an object for nothing.
		boolean willWait = recorder != null && getSubmittedCount() >= getPoolSizeNoLock();
		try {
			super.execute(willWait ? new QueueWaitTimer(command, recorder) : command);
		}
		finally {
			track(BusyState.BUSY);
		}
	}

	@Override
	protected void afterExecute(Runnable r, Throwable t) {
		try {
			// First, because it decrements the submitted count that track() reads.
			super.afterExecute(r, t);
		}
		finally {
			track(BusyState.FREE);
		}
	}

	private void track(BusyState leaning) {
		this.signal.track(leaning, this.counts);
	}

	/**
	 * Moves to {@link BusyState#DRAINING} for good, without stopping anything. Tasks keep
	 * running and new ones are still accepted.
	 */
	@Override
	public void drain() {
		this.signal.drain(this.counts);
	}

	/**
	 * From now on, runs every task at once: starts a thread for each task still queued, and
	 * lets each task that arrives later start a thread of its own when none is idle (up to
	 * as many again as the pool's maximum), however long the running ones take. Meant for
	 * the end of a shutdown, when a request still queued, or still arriving on a connection
	 * accepted before the web server stopped accepting, must get an answer rather than wait
	 * for a thread that frees only after the connector has closed.
	 * @return the tasks that were queued
	 */
	@Override
	public int runQueuedNow() {
		int queued = getQueue().size();
		int threads = getPoolSize() + queued;
		setMaximumPoolSize(Math.max(getMaximumPoolSize(), threads + this.configuredMaxThreads));
		if (queued > 0) {
			setCorePoolSize(threads);
		}
		return queued;
	}

	@Override
	public void shutdown() {
		drain();
		super.shutdown();
	}

	@Override
	public List<Runnable> shutdownNow() {
		drain();
		return super.shutdownNow();
	}

	/**
	 * Shuts the pool down, waits for running tasks and for listeners to finish, then
	 * interrupts what is left.
	 * @param timeout how long to wait for tasks, and again for listeners
	 * @return whether every thread of the pool, and its listener thread, has ended
	 */
	@Override
	public boolean shutdownGracefully(Duration timeout) {
		shutdown();
		try {
			if (!awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				shutdownNow();
				awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			shutdownNow();
		}
		return this.signal.stop(timeout) && isTerminated();
	}

	@Override
	protected void terminated() {
		super.terminated();
		this.signal.requestStop();
	}

	/**
	 * Sets the listeners told of every transition, in this order, on the pool's listener
	 * thread. Replaces any set before.
	 * @param listeners the listeners
	 */
	@Override
	public void setListeners(List<? extends BusyStateListener> listeners) {
		this.signal.setListeners(listeners);
	}

	/**
	 * Sets what records how long tasks wait in the queue, or {@code null} for nothing.
	 * Only tasks that find no idle thread are timed; the others, and every task while the
	 * recorder is {@code null}, are passed to Tomcat's pool as they are.
	 * @param recorder the recorder, or {@code null}
	 */
	@Override
	public void setQueueWaitRecorder(QueueWaitRecorder recorder) {
		this.queueWaitRecorder = recorder;
	}

	@Override
	public BusyState getState() {
		return this.signal.state();
	}

	@Override
	public PoolSnapshot snapshot() {
		return this.signal.snapshot(this.counts, getMaximumPoolSize());
	}

	@Override
	public Duration getBusyTime() {
		return this.signal.busyTime();
	}

	@Override
	public long getTransitionCount(BusyState state) {
		return this.signal.transitionCount(state);
	}

	@Override
	public long getSkippedTransitions() {
		return this.signal.skippedTransitions();
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

}

package io.github.busypool.jetty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

import io.github.busypool.BusyState;
import io.github.busypool.signal.PoolAdapter;
import io.github.busypool.signal.SignalledPool;
import io.github.busypool.signal.QueueWaitRecorder;
import io.github.busypool.signal.QueueWaitTimer;

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
 * {@link #busyPool()}, the {@link SignalledPool} that health, metrics and the check use.
 */
public class BusyQueuedThreadPool extends QueuedThreadPool {

	/** How long stopping the pool takes at most, half waiting and half interrupting. */
	static final long STOP_TIMEOUT_MILLIS = 1000;

	private final int queueTolerance;

	/** The maximum it was sized to: how many more threads late jobs may start. */
	private volatile int configuredMaxThreads;

	/**
	 * Acceptor and selector threads, which never run a request: read again by each snapshot
	 * and each revalidation (see {@link PoolAdapter#refresh()}).
	 */
	private volatile int leased;

	private final SignalledPool busyPool;

	/**
	 * Creates a pool of {@code maxThreads}; {@link #sizeLike} then takes the rest of its
	 * sizes from the pool Boot made of {@code server.jetty.threads.*}.
	 * @param maxThreads the most threads
	 * @param maxQueueCapacity the most jobs that may wait, or {@code null} for Jetty's
	 * growing default
	 * @param queueTolerance how many more queued jobs than idle threads still count as free
	 */
	public BusyQueuedThreadPool(int maxThreads, @Nullable Integer maxQueueCapacity, int queueTolerance) {
		this(maxThreads, (maxQueueCapacity != null) ? new JobQueue(maxQueueCapacity) : new JobQueue(),
				queueTolerance);
	}

	private BusyQueuedThreadPool(int maxThreads, JobQueue queue, int queueTolerance) {
		super(maxThreads, Math.min(maxThreads, new QueuedThreadPool().getMinThreads()), queue);
		// No reserved threads: Jetty keeps them for its own hand-off and never gives them a
		// queued job, so a request could wait behind an idle reserved thread, and HAProxy's
		// maxconn (the threads that run requests) would overfill the pool by as many.
		setReservedThreads(0);
		// Jetty stops the pool after the web server's graceful shutdown has given running
		// requests their time: wait half of this for them, then interrupt (Jetty's default,
		// 5 s, made the shutdown outlast the drain, the phase and 2 s).
		setStopTimeout(STOP_TIMEOUT_MILLIS);
		this.queueTolerance = queueTolerance;
		this.configuredMaxThreads = maxThreads;
		this.busyPool = new SignalledPool(queueTolerance, new Adapter());
		queue.pool = this;
	}

	/**
	 * Takes the sizes of the pool Boot made for Jetty ({@code server.jetty.threads.*}, with
	 * Boot's defaults for what is unset): its maximum, its minimum and its idle timeout.
	 * Called before the server starts.
	 * @param boots the pool Boot made
	 */
	public void sizeLike(QueuedThreadPool boots) {
		setMaxThreads(boots.getMaxThreads());
		setMinThreads(Math.min(boots.getMinThreads(), boots.getMaxThreads()));
		setIdleTimeout(boots.getIdleTimeout());
		this.configuredMaxThreads = boots.getMaxThreads();
	}

	@Override
	public void execute(Runnable job) {
		QueueWaitRecorder recorder = this.busyPool.queueWaitRecorder();
		// Time only a job that will wait, as the Tomcat pool does.
		boolean willWait = recorder != null && getIdleThreads() == 0;
		try {
			super.execute(willWait ? new QueueWaitTimer(job, recorder) : job);
		}
		finally {
			this.busyPool.track(BusyState.BUSY);
		}
	}

	/** Called by a pool thread that asks its queue for work: it has just become idle. */
	private void onIdle() {
		this.busyPool.track(BusyState.FREE);
	}

	/**
	 * Returns the pool as busy-pool sees it: its state, transitions and shutdown.
	 * @return the signalled pool
	 */
	public SignalledPool busyPool() {
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
	protected void doStart() throws Exception {
		super.doStart();
		this.busyPool.start();
	}

	@Override
	protected void doStop() throws Exception {
		this.busyPool.drain();
		super.doStop();
	}

	/**
	 * Jetty's counts as the signalled pool reads them: the threads that run jobs (leased
	 * threads left out; the pool keeps no reserved ones), and the jobs accepted and not
	 * finished, from Jetty's lock-free counters.
	 */
	private final class Adapter implements PoolAdapter {

		private final BusyQueuedThreadPool pool = BusyQueuedThreadPool.this;

		@Override
		public int submitted() {
			return threads() + this.pool.getQueueSize() - this.pool.getIdleThreads();
		}

		@Override
		public int threads() {
			return this.pool.getThreads() - this.pool.leased;
		}

		@Override
		public int maxThreads() {
			return this.pool.getMaxThreads() - this.pool.leased;
		}

		/** Learns which threads Jetty has leased (acceptors and selectors). */
		@Override
		public void refresh() {
			this.pool.leased = this.pool.getLeasedThreads();
		}

		/** Every job runs at once from now on, on a thread of its own if none is idle. */
		@Override
		public int runQueuedNow() {
			int queued = this.pool.getQueueSize();
			int threads = this.pool.getThreads() + queued;
			this.pool.setMaxThreads(Math.max(this.pool.getMaxThreads(), threads + this.pool.configuredMaxThreads));
			if (queued > 0) {
				this.pool.setMinThreads(threads);
			}
			return queued;
		}

		/** Nothing: Jetty stops the pool itself, with the server. */
		@Override
		public boolean stop(Duration timeout) {
			return true;
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

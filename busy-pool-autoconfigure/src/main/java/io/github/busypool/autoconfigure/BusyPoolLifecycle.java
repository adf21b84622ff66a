package io.github.busypool.autoconfigure;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

import io.github.busypool.signal.DrainablePool;
import io.github.busypool.shed.DrainWait;
import io.github.busypool.shed.QueueFinisher;

/**
 * Walks a {@link DrainablePool} through the application's shutdown: moves it to draining
 * when the context begins to close, waits for the drain delay while the web server still
 * serves, finishes the requests accepted so far, then lets graceful shutdown begin, and
 * stops the pool after the web server has stopped.
 */
final class BusyPoolLifecycle implements SmartLifecycle, DisposableBean {

	/** Stops just before the web server's graceful shutdown begins. */
	static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;

	/**
	 * How long the pool's running tasks get, after the web server has stopped, before they
	 * are interrupted, and again after; and the listener thread: the shutdown phase has
	 * already given requests their time, so this is short (at most 2 s in all).
	 */
	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofMillis(500);

	/**
	 * What is kept of the shutdown phase for answering {@code 503} to what could not be
	 * served, at most; half the time left after the drain delay when that is less.
	 */
	static final Duration ANSWER_MARGIN = Duration.ofSeconds(1);

	private final DrainablePool pool;

	private static final Log logger = LogFactory.getLog(BusyPoolLifecycle.class);

	private final Duration drainDelay;

	private final Duration phaseTimeout;

	private final boolean graceful;

	private final QueueFinisher finisher;

	private final DrainWait drainWait;

	private final Runnable stopAccepting;

	private volatile boolean running;

	/**
	 * @param phaseTimeout {@code spring.lifecycle.timeout-per-shutdown-phase}
	 * @param graceful whether the web server shuts down gracefully; when it does not, it
	 * stops at once, and there is nothing to finish
	 * @param stopAccepting stops the main connector accepting new connections
	 */
	BusyPoolLifecycle(DrainablePool pool, Duration drainDelay, Duration phaseTimeout, boolean graceful,
			QueueFinisher finisher, DrainWait drainWait, Runnable stopAccepting) {
		this.drainWait = drainWait;
		this.pool = pool;
		this.phaseTimeout = phaseTimeout;
		this.graceful = graceful;
		this.finisher = finisher;
		this.stopAccepting = stopAccepting;
		this.drainDelay = drainDelay;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Moves to draining at once and, on a thread of its own so that the context's thread
	 * is not held: waits for the drain (see {@link DrainWait}) while the web server still
	 * serves, stops the
	 * main connector accepting, and finishes what the pool holds (see
	 * {@link QueueFinisher}) until {@link #ANSWER_MARGIN} before the shutdown phase's
	 * timeout. Then graceful shutdown may begin.
	 */
	@Override
	public void stop(Runnable callback) {
		long start = System.nanoTime();
		this.pool.drain();
		Thread thread = new Thread(() -> {
			try {
				DrainWait.End drained = this.drainWait.await(start, this.drainDelay);
				if (!this.drainDelay.isZero()) {
					logger.info(switch (drained) {
						case UNWATCHED -> "busy-pool: no load balancer or probe asked for the state in the last "
								+ "10 s; stopping without a drain";
						case QUIET -> "busy-pool drained in " + Duration.ofNanos(System.nanoTime() - start).toMillis()
								+ " ms: load balancers were told and stopped sending";
						case DELAY -> "busy-pool drained for " + this.drainDelay
								+ " (busy-pool.shutdown.drain-delay)";
					});
				}
				if (this.graceful) {
					long end = start + this.phaseTimeout.toNanos();
					long margin = Math.min(ANSWER_MARGIN.toNanos(), (end - System.nanoTime()) / 2);
					this.finisher.finish(this.stopAccepting, end - margin, end - margin / 4);
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.running = false;
				callback.run();
			}
		}, "busy-pool-shutdown");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void stop() {
		this.pool.drain();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		this.pool.shutdownGracefully(SHUTDOWN_TIMEOUT);
	}

}

package io.github.busypool.shed;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.busypool.DrainablePool;
import io.github.busypool.PoolSnapshot;

/**
 * Gives every request the pool has accepted an answer before the web server stops.
 * <p>
 * Tomcat never parses a request that a thread picks up after its connector has been
 * paused: it closes the connection without a word. Boot's graceful shutdown pauses the
 * connector and then waits only for requests that are already running, so requests still
 * queued at that moment used to be dropped. {@link #finish} runs before that pause: the
 * connector stops accepting connections, then the pool runs what it holds, until nothing
 * is queued or the deadline; whatever is still queued then is answered {@code 503 draining}
 * at once, on extra threads (see {@link Shedder#shedEverything()}).
 * <p>
 * It waits for the queue, never for requests already running: Boot's graceful shutdown
 * waits for those, within its own timeout. Waiting for them here as well made a shutdown
 * with one long request take twice {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
public final class QueueFinisher {

	private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

	private static final Log logger = LogFactory.getLog(QueueFinisher.class);

	private final DrainablePool pool;

	private final Shedder shedder;

	/**
	 * @param pool the pool
	 * @param shedder the shedder that answers requests before they run
	 */
	public QueueFinisher(DrainablePool pool, Shedder shedder) {
		this.pool = pool;
		this.shedder = shedder;
	}

	/**
	 * Starts what the pool holds, answers what cannot start by {@code serveBy} with a
	 * {@code 503}, and returns once nothing is queued, or {@code answerBy} has passed.
	 * @param stopAccepting stops the connector accepting new connections, without pausing
	 * it
	 * @param serveBy the deadline to start queued requests, from {@link System#nanoTime()}
	 * @param answerBy the deadline to answer the rest, from {@link System#nanoTime()}
	 * @return how many queued requests were answered {@code 503}
	 */
	public int finish(Runnable stopAccepting, long serveBy, long answerBy) {
		stopAccepting.run();
		int waiting = this.pool.snapshot().queued();
		if (waiting > 0) {
			logger.info("busy-pool: starting the " + waiting + " queued requests accepted before the web server stops");
		}
		while (this.pool.snapshot().queued() > 0 && System.nanoTime() - serveBy < 0) {
			LockSupport.parkNanos(POLL_NANOS);
		}
		PoolSnapshot left = this.pool.snapshot();
		int running = left.activeThreads();
		int queued = left.queued();
		if (queued == 0) {
			// Nothing waits now, but a connection accepted just before the stop may still
			// send its request: it must start at once, not behind the running ones.
			this.pool.runQueuedNow();
			return 0;
		}
		this.shedder.shedEverything();
		this.pool.runQueuedNow();
		logger.warn("busy-pool: " + queued + " queued requests could not be served within "
				+ "spring.lifecycle.timeout-per-shutdown-phase; answering them '503 draining'");
		while (this.pool.snapshot().inFlight() > running && System.nanoTime() - answerBy < 0) {
			LockSupport.parkNanos(POLL_NANOS);
		}
		return queued;
	}

}

package io.github.busypool.shed;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.busypool.BusyPoolExecutor;

/**
 * Gives every request the pool has accepted an answer before the web server stops.
 * <p>
 * Tomcat never parses a request that a thread picks up after its connector has been
 * paused: it closes the connection without a word. Boot's graceful shutdown pauses the
 * connector and then waits only for requests that are already running, so requests still
 * queued at that moment used to be dropped. {@link #finish} runs before that pause: the
 * connector stops accepting connections, then the pool runs what it holds, until nothing
 * is left or the deadline; whatever is still queued then is answered {@code 503 draining}
 * at once, on extra threads (see {@link Shedder#shedEverything()}).
 */
public final class QueueFinisher {

	private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

	private static final Log logger = LogFactory.getLog(QueueFinisher.class);

	private final BusyPoolExecutor executor;

	private final Shedder shedder;

	/**
	 * @param executor the pool
	 * @param shedder the shedder the check filter consults
	 */
	public QueueFinisher(BusyPoolExecutor executor, Shedder shedder) {
		this.executor = executor;
		this.shedder = shedder;
	}

	/**
	 * Runs what the pool holds, answers what cannot run by {@code serveBy} with a
	 * {@code 503}, and returns once the pool is empty, or holds only requests that were
	 * already running at {@code serveBy}, or {@code answerBy} has passed.
	 * @param stopAccepting stops the connector accepting new connections, without pausing
	 * it
	 * @param serveBy the deadline to start queued requests, from {@link System#nanoTime()}
	 * @param answerBy the deadline to answer the rest, from {@link System#nanoTime()}
	 * @return how many queued requests were answered {@code 503}
	 */
	public int finish(Runnable stopAccepting, long serveBy, long answerBy) {
		stopAccepting.run();
		int submitted = this.executor.getSubmittedCount();
		if (submitted > 0) {
			logger.info("busy-pool: serving the " + submitted + " requests accepted before the web server stops");
		}
		while (this.executor.getSubmittedCount() > 0 && System.nanoTime() - serveBy < 0) {
			LockSupport.parkNanos(POLL_NANOS);
		}
		int running = this.executor.getActiveCount();
		int queued = this.executor.getQueueSize();
		if (queued == 0) {
			return 0;
		}
		this.shedder.shedEverything();
		this.executor.runQueuedNow();
		logger.warn("busy-pool: " + queued + " queued requests could not be served within "
				+ "spring.lifecycle.timeout-per-shutdown-phase; answering them '503 draining'");
		while (this.executor.getSubmittedCount() > running && System.nanoTime() - answerBy < 0) {
			LockSupport.parkNanos(POLL_NANOS);
		}
		return queued;
	}

}

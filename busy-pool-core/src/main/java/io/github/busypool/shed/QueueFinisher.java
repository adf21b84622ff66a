package io.github.busypool.shed;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.busypool.signal.DrainablePool;
import io.github.busypool.PoolSnapshot;

/**
 * Gives every request the pool has accepted an answer before the web server stops, within
 * the shutdown's time.
 * <p>
 * Tomcat never parses a request that a thread picks up after its connector has been
 * paused: it closes the connection without a word. Boot's graceful shutdown pauses the
 * connector and then waits only for requests that are already running, so requests still
 * queued at that moment used to be dropped. {@link #finish} runs before that pause: the
 * connector stops accepting connections, the pool runs what it holds for up to
 * {@link #QUEUE_WAIT}, then moves to finishing, where everything still queued, and
 * everything that arrives later, starts at once on extra threads; Boot's graceful shutdown
 * then waits for all of them, within its own timeout. Only when the phase's time is
 * already spent when it begins is what is queued answered {@code 503 draining} instead
 * (see {@link Shedder#shedEverything()}).
 * <p>
 * It waits for the queue, never for requests already running, and for the queue at most
 * {@link #QUEUE_WAIT}: the whole shutdown then takes at most the drain, that half second, and
 * Boot's own graceful shutdown, whatever runs. Waiting for running requests here as well
 * made a shutdown with one long request take twice
 * {@code spring.lifecycle.timeout-per-shutdown-phase}.
 */
public final class QueueFinisher {

	private static final long POLL_NANOS = Duration.ofMillis(5).toNanos();

	/** The longest the queue is left to drain at the pool's own pace. */
	static final Duration QUEUE_WAIT = Duration.ofMillis(500);

	/**
	 * The longest it waits, once every queued request has a thread, for them to have been
	 * read: Tomcat closes a connection whose request it reads after graceful shutdown paused
	 * the connector, with no answer or a {@code 400}.
	 */
	static final Duration BEGIN_WAIT = Duration.ofMillis(500);

	private static final Log logger = LogFactory.getLog(QueueFinisher.class);

	private final DrainablePool pool;

	private final Shedder shedder;

	private final LongSupplier requestsBegun;

	/**
	 * @param pool the pool
	 * @param shedder the shedder that answers requests before they run
	 * @param requestsBegun how many requests have reached the application so far (read and
	 * past busy-pool's own filters)
	 */
	public QueueFinisher(DrainablePool pool, Shedder shedder, LongSupplier requestsBegun) {
		this.pool = pool;
		this.shedder = shedder;
		this.requestsBegun = requestsBegun;
	}

	/**
	 * Starts what the pool holds, and returns once nothing is queued: at the pool's pace
	 * for up to {@link #QUEUE_WAIT} (never past {@code serveBy}), then everything at once.
	 * Only if {@code serveBy} has already passed when it is called (the drain took the
	 * phase's time) is what is queued answered {@code 503} instead; it then returns once
	 * those answers are given or {@code answerBy} has passed.
	 * @param stopAccepting stops the connector accepting new connections, without pausing
	 * it
	 * @param serveBy the deadline to start queued requests, from {@link System#nanoTime()}
	 * @param answerBy the deadline to answer the rest, from {@link System#nanoTime()}
	 * @return how many queued requests were answered {@code 503}
	 */
	public int finish(Runnable stopAccepting, long serveBy, long answerBy) {
		stopAccepting.run();
		long start = System.nanoTime();
		long begunBefore = this.requestsBegun.getAsLong();
		int waiting = this.pool.snapshot().queued();
		if (waiting > 0) {
			logger.info("busy-pool: starting the " + waiting + " queued requests accepted before the web server stops");
		}
		boolean inTime = serveBy - start > 0;
		long waitUntil = start + Math.min(QUEUE_WAIT.toNanos(), serveBy - start);
		while (this.pool.snapshot().queued() > 0 && System.nanoTime() - waitUntil < 0) {
			LockSupport.parkNanos(POLL_NANOS);
		}
		PoolSnapshot left = this.pool.snapshot();
		int running = left.activeThreads();
		int queued = left.queued();
		if (queued == 0 || inTime) {
			// Finishing: what is queued starts now, and a connection accepted just before
			// the stop that still sends its request starts at once, not behind the running
			// ones. Boot's graceful shutdown waits for them.
			this.pool.runQueuedNow();
			if (queued > 0) {
				logger.info("busy-pool: " + queued + " queued requests did not start within " + QUEUE_WAIT.toMillis()
						+ " ms; starting them all at once");
			}
			// Until every request queued at the start has been read and reached the
			// application: Tomcat closes, with no answer or a 400, a connection whose request
			// it reads after Boot's graceful shutdown paused the connector. Boot's graceful
			// shutdown then waits for them.
			long until = System.nanoTime() + BEGIN_WAIT.toNanos();
			if (answerBy - until < 0) {
				until = answerBy;
			}
			while (this.requestsBegun.getAsLong() - begunBefore < waiting && System.nanoTime() - until < 0) {
				LockSupport.parkNanos(POLL_NANOS);
			}
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

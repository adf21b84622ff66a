package io.github.busypool.shed;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import io.github.busypool.check.CheckCounters;

/**
 * How long a shutdown keeps answering {@code draining} while still serving, so that load
 * balancers stop sending before the web server stops accepting. At most the drain delay,
 * and less when waiting longer would save nothing:
 * <ul>
 * <li>nothing asked for the state (no check, agent poll or health probe) in the
 * {@link #WATCHED} before the drain began: nobody is there to notice it, so there is no
 * drain at all (a developer's Ctrl-C stays quick);</li>
 * <li>something has been told {@code draining}, and no request has begun for
 * {@link #QUIET}: the balancers have stopped sending. One that still sends after that
 * finds the port closed, and the recipes retry a refused connection on another server.</li>
 * </ul>
 */
public final class DrainWait {

	static final Duration WATCHED = Duration.ofSeconds(10);

	static final Duration QUIET = Duration.ofSeconds(1);

	private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

	private final CheckCounters asked;

	private final LongSupplier requestsBegun;

	/**
	 * @param asked where checks, agent polls and health probes are noted, or {@code null}
	 * when nothing notes them (then the drain always lasts its delay)
	 * @param requestsBegun how many requests have begun so far
	 */
	public DrainWait(CheckCounters asked, LongSupplier requestsBegun) {
		this.asked = asked;
		this.requestsBegun = requestsBegun;
	}

	/**
	 * Waits for the drain to end.
	 * @param startNanos when the drain began, from {@link System#nanoTime()}
	 * @param delay the drain delay, the longest it lasts
	 * @return why it ended
	 * @throws InterruptedException if interrupted while waiting
	 */
	public End await(long startNanos, Duration delay) throws InterruptedException {
		if (delay.isZero()) {
			return End.DELAY;
		}
		if (this.asked == null) {
			Thread.sleep(delay.toMillis());
			return End.DELAY;
		}
		if (!this.asked.askedSince(startNanos - WATCHED.toNanos())) {
			return End.UNWATCHED;
		}
		long end = startNanos + delay.toNanos();
		long begun = this.requestsBegun.getAsLong();
		long lastBegun = System.nanoTime();
		while (true) {
			long now = System.nanoTime();
			if (now - end >= 0) {
				return End.DELAY;
			}
			long count = this.requestsBegun.getAsLong();
			if (count != begun) {
				begun = count;
				lastBegun = now;
			}
			else if (now - lastBegun >= QUIET.toNanos() && this.asked.askedSince(startNanos)) {
				return End.QUIET;
			}
			LockSupport.parkNanos(Math.min(POLL_NANOS, end - now));
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
		}
	}

	/** Why a drain ended. */
	public enum End {

		/** The drain delay passed. */
		DELAY,

		/** Nothing watches the state: no drain. */
		UNWATCHED,

		/** The balancers were told and stopped sending. */
		QUIET

	}

}

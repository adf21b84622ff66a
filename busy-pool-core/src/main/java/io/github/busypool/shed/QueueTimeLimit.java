package io.github.busypool.shed;

import java.time.Duration;

/**
 * Decides whether a request waited too long before reaching the application, with the
 * rule of Facebook's CoDel request queue ("Fail at Scale"): while the queue has been empty
 * at some moment of the last {@code interval}, a request may have waited up to
 * {@code interval} (a burst is absorbed); once it has not, the queue is standing and a
 * request may have waited only up to {@code target}. Requests over the limit are shed
 * at the head, so a standing queue drains at once instead of making every request wait
 * for it, and the requests served are fresh ones whose clients are still there.
 * <p>
 * A wait is the time from the stamp the load balancer puts on a request when it
 * receives it to the moment a thread runs it, so it covers HAProxy's queue and Tomcat's.
 * The two clocks must agree to well within {@code target} (NTP does); a stamp from the
 * future counts as no wait, and one more than a day old is ignored. So a forged stamp can
 * get its own request shed, or make the queue look empty for an interval, nothing more.
 * <p>
 * No request at all for an interval counts as an empty queue too, so an idle or newly
 * started application does not take its first slow request for a standing queue.
 * <p>
 * Thread-safe and lock-free: a decision is a few volatile reads, and at most two writes a
 * millisecond.
 */
public final class QueueTimeLimit {

	/** Waits above this are not believed either (a day): a broken stamp, not a queue. */
	private static final long MAX_WAIT_MILLIS = Duration.ofDays(1).toMillis();

	private final long targetMillis;

	private final long intervalMillis;

	/** When a request last arrived with a wait of at most the target; a new limit starts as if now. */
	private volatile long lastEmptyMillis;

	/** When a request last arrived: a gap longer than the interval means the queue was empty. */
	private volatile long lastSeenMillis;

	/**
	 * Creates a limit.
	 * @param target the wait allowed while the queue is standing (CoDel's 5 ms)
	 * @param interval the wait allowed while the queue empties now and then, and how long
	 * it must stay non-empty to count as standing (CoDel's 100 ms)
	 */
	public QueueTimeLimit(Duration target, Duration interval) {
		this(target, interval, System.currentTimeMillis());
	}

	/**
	 * Creates a limit that starts as if the queue had been empty at {@code startMillis}, so
	 * that a cold application's first slow requests are not taken for a standing queue.
	 */
	QueueTimeLimit(Duration target, Duration interval, long startMillis) {
		this.lastEmptyMillis = startMillis;
		this.lastSeenMillis = startMillis;
		if (target.isNegative() || interval.compareTo(target) < 0) {
			throw new IllegalArgumentException("need 0 <= target <= interval, was " + target + " and " + interval);
		}
		this.targetMillis = target.toMillis();
		this.intervalMillis = interval.toMillis();
	}

	/**
	 * Tells whether a request stamped at {@code stampMillis} by the load balancer, run now,
	 * waited too long.
	 * @param stampMillis when the load balancer received it, in milliseconds since the epoch
	 * by its clock
	 * @param nowMillis now, by this application's clock
	 * @return whether to shed it
	 */
	public boolean tooOld(long stampMillis, long nowMillis) {
		long wait = Math.max(0, nowMillis - stampMillis);
		if (wait > MAX_WAIT_MILLIS) {
			return false;
		}
		long last = this.lastSeenMillis;
		if (nowMillis != last) {
			this.lastSeenMillis = nowMillis;
		}
		if (nowMillis - last > this.intervalMillis) {
			// No request for a whole interval: the queue was empty, whatever this one waited.
			this.lastEmptyMillis = nowMillis;
		}
		if (wait <= this.targetMillis) {
			if (nowMillis != this.lastEmptyMillis) {
				this.lastEmptyMillis = nowMillis;
			}
			return false;
		}
		boolean standing = nowMillis - this.lastEmptyMillis > this.intervalMillis;
		return wait > (standing ? this.targetMillis : this.intervalMillis);
	}

	/**
	 * Reads a request-start stamp as HAProxy, nginx or a client library writes it:
	 * {@code t=} followed by seconds (with a fraction), milliseconds or microseconds since
	 * the epoch, told apart by their size; the {@code t=} is optional.
	 * @param value the header's value, or {@code null}
	 * @return the stamp in milliseconds since the epoch, or -1 when absent or malformed
	 */
	public static long parseStamp(String value) {
		if (value == null) {
			return -1;
		}
		int start = value.startsWith("t=") ? 2 : 0;
		int end = value.length();
		if (end - start < 1 || end - start > 20) {
			return -1;
		}
		long whole = 0;
		int digits = 0;
		long fraction = 0;
		int fractionDigits = -1;
		for (int i = start; i < end; i++) {
			char c = value.charAt(i);
			if (c == '.' && fractionDigits < 0 && digits > 0) {
				fractionDigits = 0;
			}
			else if (c >= '0' && c <= '9') {
				if (fractionDigits < 0) {
					whole = whole * 10 + (c - '0');
					digits++;
				}
				else if (fractionDigits < 3) {
					fraction = fraction * 10 + (c - '0');
					fractionDigits++;
				}
			}
			else {
				return -1;
			}
		}
		if (digits == 0 || digits > 16) {
			return -1;
		}
		if (fractionDigits >= 0 || whole < 100_000_000_000L) {
			while (fractionDigits++ < 3) {
				fraction *= 10;
			}
			return whole * 1000 + fraction;
		}
		return (whole < 100_000_000_000_000L) ? whole : whole / 1000;
	}

}

package io.github.busypool.shed;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

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
 * The two clocks may be offset: waits are measured from a <em>baseline</em>, the least
 * wait seen in the last 30 to 60 seconds (at most {@value #MAX_OFFSET_MILLIS} ms either
 * way), which is the offset plus the network's own delay. "The queue was empty" means a
 * request arrived with a wait of at most {@code target} above that baseline.
 * <p>
 * Thread-safe and lock-free: a decision is a few volatile reads, and a write only when
 * the queue is seen empty (at most once a millisecond) or a new least wait is seen.
 */
public final class QueueTimeLimit {

	/** The largest clock offset between load balancer and application that is believed. */
	static final long MAX_OFFSET_MILLIS = 1000;

	/** Waits above this are not believed either (a day): a broken stamp, not a queue. */
	private static final long MAX_WAIT_MILLIS = Duration.ofDays(1).toMillis();

	private static final long BASELINE_WINDOW_MILLIS = 30_000;

	private final long targetMillis;

	private final long intervalMillis;

	private volatile long lastEmptyMillis = Long.MIN_VALUE / 2;

	private volatile long windowStartMillis = Long.MIN_VALUE / 2;

	private final AtomicLong leastThisWindow = new AtomicLong(Long.MAX_VALUE);

	private volatile long leastLastWindow = Long.MAX_VALUE;

	/**
	 * Creates a limit.
	 * @param target the wait allowed while the queue is standing (CoDel's 5 ms)
	 * @param interval the wait allowed while the queue empties now and then, and how long
	 * it must stay non-empty to count as standing (CoDel's 100 ms)
	 */
	public QueueTimeLimit(Duration target, Duration interval) {
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
		long raw = nowMillis - stampMillis;
		if (raw < -MAX_OFFSET_MILLIS || raw > MAX_WAIT_MILLIS) {
			return false;
		}
		long wait = raw - baseline(raw, nowMillis);
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
	 * Records a raw wait and returns the least one of the last 30 to 60 seconds, clamped
	 * to the believed offset. Races may keep a slightly larger least wait for a window;
	 * that only makes shedding more lenient.
	 */
	private long baseline(long raw, long nowMillis) {
		if (nowMillis - this.windowStartMillis > BASELINE_WINDOW_MILLIS) {
			this.leastLastWindow = this.leastThisWindow.getAndSet(raw);
			this.windowStartMillis = nowMillis;
		}
		else if (raw < this.leastThisWindow.get()) {
			this.leastThisWindow.accumulateAndGet(raw, Math::min);
		}
		long least = Math.min(this.leastThisWindow.get(), this.leastLastWindow);
		return Math.max(-MAX_OFFSET_MILLIS, Math.min(MAX_OFFSET_MILLIS, least));
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

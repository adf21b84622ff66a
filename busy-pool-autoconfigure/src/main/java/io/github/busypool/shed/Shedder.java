package io.github.busypool.shed;

import java.util.concurrent.atomic.LongAdder;

/**
 * Decides, for each request before it is dispatched, whether to answer it {@code 503}
 * instead of running it, and counts what it shed by {@link ShedReason}.
 * <ul>
 * <li>While the application shuts down and has run out of time
 * ({@link #shedEverything()}), every request is shed.</li>
 * <li>Otherwise a request that carries a request-start stamp is shed when its wait is
 * over the {@link QueueTimeLimit}. A request without a stamp is never shed.</li>
 * </ul>
 * Thread-safe; a decision costs one volatile read when there is no stamp.
 */
public final class Shedder {

	private final QueueTimeLimit queueLimit;

	private final LongAdder[] counts = new LongAdder[ShedReason.values().length];

	private volatile boolean everything;

	/**
	 * Creates a shedder.
	 * @param queueLimit the limit on the queue time, or {@code null} to shed nothing for
	 * its wait
	 */
	public Shedder(QueueTimeLimit queueLimit) {
		this.queueLimit = queueLimit;
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
	}

	/**
	 * Decides for one request, and counts it if shed.
	 * @param requestStart the request-start header's value, or {@code null}
	 * @return why to shed it, or {@code null} to run it
	 */
	public ShedReason decide(String requestStart) {
		ShedReason reason = null;
		if (this.everything) {
			reason = ShedReason.SHUTDOWN;
		}
		else if (requestStart != null && this.queueLimit != null) {
			long stamp = QueueTimeLimit.parseStamp(requestStart);
			if (stamp >= 0 && this.queueLimit.tooOld(stamp, System.currentTimeMillis())) {
				reason = ShedReason.QUEUE;
			}
		}
		if (reason != null) {
			this.counts[reason.ordinal()].increment();
		}
		return reason;
	}

	/**
	 * From now on, sheds every request: the application is about to stop and what has
	 * not run yet would otherwise get no answer at all.
	 */
	public void shedEverything() {
		this.everything = true;
	}

	/**
	 * Returns how many requests were shed for a reason.
	 * @param reason the reason
	 * @return the count so far
	 */
	public long count(ShedReason reason) {
		return this.counts[reason.ordinal()].sum();
	}

}

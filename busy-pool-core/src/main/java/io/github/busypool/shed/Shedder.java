package io.github.busypool.shed;

import java.util.concurrent.atomic.LongAdder;

import io.github.busypool.speed.ServiceSpeed;

/**
 * Decides, for each request before it is dispatched, whether to answer it {@code 503}
 * instead of running it, and counts what it shed by {@link ShedReason} and what became of
 * deadlines by {@link DeadlineOutcome}.
 * <ul>
 * <li>While the application shuts down and has run out of time
 * ({@link #shedEverything()}), every request is shed.</li>
 * <li>A request with a deadline (its client's, or a default) is shed when the deadline
 * has passed, or when what is left of it is shorter than the {@link ServiceSpeed#predictedMillis()
 * predicted service time} while another request is running. Its time counts from the
 * request-start stamp when it carries one, else from now. The prediction is the speed's
 * as of its last refresh (the shed filter refreshes it, if due, before each such
 * request). Its wait in the queue is judged by the deadline alone, not by the queue-time
 * limit: a patient client may wait.</li>
 * <li>Otherwise a request that carries a request-start stamp is shed when its wait is
 * over the {@link QueueTimeLimit}. A request without a stamp is never shed.</li>
 * </ul>
 * A request is never refused for its prediction while nothing else runs: then it is the
 * try that shows whether the server is fast again. Thread-safe; a decision costs one
 * volatile read when there is no stamp and no deadline, and never blocks.
 */
public final class Shedder {

	private final QueueTimeLimit queueLimit;

	private final ServiceSpeed speed;

	private final LongAdder[] counts = new LongAdder[ShedReason.values().length];

	private final LongAdder[] deadlines = new LongAdder[DeadlineOutcome.values().length];

	private volatile boolean everything;

	/**
	 * Creates a shedder that knows no service time: deadlines are judged only by whether
	 * they have passed.
	 * @param queueLimit the limit on the queue time, or {@code null} to shed nothing for
	 * its wait
	 */
	public Shedder(QueueTimeLimit queueLimit) {
		this(queueLimit, null);
	}

	/**
	 * Creates a shedder.
	 * @param queueLimit the limit on the queue time, or {@code null} to shed nothing for
	 * its wait
	 * @param speed the service-time estimate deadlines are compared with, or {@code null}
	 */
	public Shedder(QueueTimeLimit queueLimit, ServiceSpeed speed) {
		this.queueLimit = queueLimit;
		this.speed = speed;
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
		for (int i = 0; i < this.deadlines.length; i++) {
			this.deadlines[i] = new LongAdder();
		}
	}

	/**
	 * Decides for one request without a deadline, and counts it if shed.
	 * @param requestStart the request-start header's value, or {@code null}
	 * @return why to shed it, or {@code null} to run it
	 */
	public ShedReason decide(String requestStart) {
		return decide(requestStart, ClientDeadline.ABSENT);
	}

	/**
	 * Decides for one request, and counts it.
	 * @param requestStart the request-start header's value, or {@code null}
	 * @param deadlineMillis how long its client waits, from when it sent the request, or
	 * {@link ClientDeadline#ABSENT}
	 * @return why to shed it, or {@code null} to run it
	 */
	public ShedReason decide(String requestStart, long deadlineMillis) {
		ShedReason reason = null;
		if (this.everything) {
			reason = ShedReason.SHUTDOWN;
		}
		else if (deadlineMillis > 0) {
			DeadlineOutcome outcome = admit(requestStart, deadlineMillis);
			this.deadlines[outcome.ordinal()].increment();
			reason = (outcome == DeadlineOutcome.ADMITTED) ? null : ShedReason.DEADLINE;
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

	private DeadlineOutcome admit(String requestStart, long deadlineMillis) {
		long stamp = (requestStart != null) ? QueueTimeLimit.parseStamp(requestStart) : -1;
		long waited = (stamp >= 0) ? System.currentTimeMillis() - stamp : 0;
		if (waited < 0 || waited > ClientDeadline.MAX_MILLIS) {
			// A stamp from the future, or a broken one: no wait to go by.
			waited = 0;
		}
		long left = deadlineMillis - waited;
		if (left <= 0) {
			return DeadlineOutcome.MISSED;
		}
		if (this.speed != null && this.speed.predictedMillis() > left && this.speed.running() > 0) {
			return DeadlineOutcome.REFUSED;
		}
		return DeadlineOutcome.ADMITTED;
	}

	/**
	 * Counts a deadline header that could not be read or believed.
	 */
	public void invalidDeadline() {
		this.deadlines[DeadlineOutcome.INVALID.ordinal()].increment();
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

	/**
	 * Returns how many deadlines had an outcome.
	 * @param outcome the outcome
	 * @return the count so far
	 */
	public long count(DeadlineOutcome outcome) {
		return this.deadlines[outcome.ordinal()].sum();
	}

}

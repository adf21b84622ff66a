package io.github.busypool.shed;

/**
 * Why a request was answered {@code 503} instead of being run.
 */
public enum ShedReason {

	/**
	 * It waited in the load balancer's queue (and Tomcat's) longer than the
	 * {@link QueueTimeLimit} allows: its client has probably gone, or soon will.
	 */
	QUEUE("queue"),

	/**
	 * Its client's deadline had passed, or what was left of it was shorter than the
	 * request is expected to take (see {@link DeadlineOutcome}).
	 */
	DEADLINE("deadline"),

	/**
	 * The application is shutting down and it could not be run before the shutdown phase
	 * ends.
	 */
	SHUTDOWN("shutdown");

	private final String tag;

	ShedReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Returns the value of the {@code reason} tag of {@code busypool.shed}.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}

package io.github.busypool.shed;

/**
 * What became of a request's deadline at admission: the value of the {@code outcome} tag
 * of {@code busypool.deadlines}.
 */
public enum DeadlineOutcome {

	/** It can still be met: the request runs. */
	ADMITTED("admitted"),

	/** It had passed before a thread took the request: the client has gone; not run. */
	MISSED("missed"),

	/**
	 * What is left of it is shorter than the request is expected to take: answered
	 * {@code 503} at once, not run.
	 */
	REFUSED("refused"),

	/** The header was malformed, not positive or absurd: ignored, as if absent. */
	INVALID("invalid");

	private final String tag;

	DeadlineOutcome(String tag) {
		this.tag = tag;
	}

	/**
	 * Returns the value of the {@code outcome} tag.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}

package io.github.busypool.check;

import java.util.Locale;

/**
 * The path a load balancer's check took, as reported by the {@code via} tag of
 * {@code busypool.checks}.
 */
public enum CheckVia {

	/**
	 * The the check filter on the main port.
	 */
	FILTER,

	/**
	 * A dedicated check connector.
	 */
	PORT,

	/**
	 * The HAProxy agent-check responder.
	 */
	AGENT;

	/**
	 * Returns the tag value, the lower-case name.
	 * @return the tag value
	 */
	public String tag() {
		return name().toLowerCase(Locale.ROOT);
	}

}

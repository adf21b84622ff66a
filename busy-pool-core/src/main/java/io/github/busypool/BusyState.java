package io.github.busypool;

/**
 * The state of a {@link BusyPool}, as a load balancer should see it.
 *
 * @see BusyPool
 *
 * @since 0.1.0
 */
public enum BusyState {

	/**
	 * No more tasks are queued than there are idle threads (plus the tolerance).
	 */
	FREE(0),

	/**
	 * More tasks are queued than there are idle threads (plus the tolerance).
	 */
	BUSY(1),

	/**
	 * The application is shutting down. This state is final.
	 */
	DRAINING(2);

	private final int code;

	private final String label;

	BusyState(int code) {
		this.code = code;
		this.label = name().toLowerCase(java.util.Locale.ROOT);
	}

	/**
	 * Returns the numeric code of this state, as reported by the {@code busypool.state}
	 * gauge: 0 free, 1 busy, 2 draining.
	 * @return the code
	 */
	public int code() {
		return this.code;
	}

	/**
	 * Returns the lower-case name of this state ({@code free}, {@code busy} or
	 * {@code draining}), as used in check answers, health details and metric tags.
	 * @return the label
	 */
	public String label() {
		return this.label;
	}

}

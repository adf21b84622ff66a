package io.github.busypool.autoconfigure;

/**
 * A busy-pool setting that cannot work, with what is wrong and how to fix it.
 * {@link InvalidBusyPoolPropertyFailureAnalyzer} turns it into Boot's
 * "APPLICATION FAILED TO START" report, wherever it is thrown: while binding
 * {@link BusyPoolProperties}, or while the auto-configuration checks settings against each
 * other.
 */
public class InvalidBusyPoolPropertyException extends IllegalArgumentException {

	private final String action;

	/**
	 * Creates an exception.
	 * @param property the property, for example {@code busy-pool.check.path}
	 * @param value the value it has
	 * @param reason what is wrong, starting with a verb ("must be ...")
	 * @param action what to do about it
	 */
	public InvalidBusyPoolPropertyException(String property, Object value, String reason, String action) {
		super(property + " " + reason + ", was " + describe(value));
		this.action = action;
	}

	/**
	 * Returns what to do about it, for the failure report.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

	private static String describe(Object value) {
		return (value instanceof CharSequence) ? "'" + value + "'" : String.valueOf(value);
	}

}

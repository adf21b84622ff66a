package io.github.busypool.check;

import java.util.concurrent.atomic.LongAdder;

import io.github.busypool.BusyState;

/**
 * Counts the checks answered, by path and by answer, and remembers when anything last
 * asked for the state (a check, the agent, or a health probe): on shutdown, a drain is for
 * whoever is watching, and pointless when nothing is. Counting is one {@link LongAdder}
 * increment and one volatile write, so it is cheap under contention; metrics read the
 * totals.
 */
public final class CheckCounters {

	private static final int STATES = BusyState.values().length;

	private final LongAdder[] counts = new LongAdder[CheckVia.values().length * STATES];

	/** When the state was last asked for, from {@link System#nanoTime()}; 0 for never. */
	private volatile long lastAskedNanos;

	public CheckCounters() {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
	}

	/**
	 * Counts one answered check.
	 * @param via the path the check took
	 * @param answer the state it answered
	 */
	public void increment(CheckVia via, BusyState answer) {
		this.counts[index(via, answer)].increment();
		asked();
	}

	/**
	 * Notes that something other than a check asked for the state: a health probe, say.
	 */
	public void asked() {
		long now = System.nanoTime();
		this.lastAskedNanos = (now != 0) ? now : 1;
	}

	/**
	 * Returns whether anything asked for the state after a given instant.
	 * @param sinceNanos the instant, from {@link System#nanoTime()}
	 * @return whether anything asked since
	 */
	public boolean askedSince(long sinceNanos) {
		long last = this.lastAskedNanos;
		return last != 0 && last - sinceNanos > 0;
	}

	/**
	 * Returns the checks answered so far.
	 * @param via the path the checks took
	 * @param answer the state they answered
	 * @return the count
	 */
	public long count(CheckVia via, BusyState answer) {
		return this.counts[index(via, answer)].sum();
	}

	private static int index(CheckVia via, BusyState answer) {
		return via.ordinal() * STATES + answer.ordinal();
	}

}

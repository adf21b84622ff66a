package io.github.busypool.check;

import java.util.concurrent.atomic.LongAdder;

import io.github.busypool.BusyState;

/**
 * Counts the checks answered, by path and by answer. Counting is one {@link LongAdder}
 * increment, so it is cheap under contention; metrics read the totals.
 */
public final class CheckCounters {

	private static final int STATES = BusyState.values().length;

	private final LongAdder[] counts = new LongAdder[CheckVia.values().length * STATES];

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

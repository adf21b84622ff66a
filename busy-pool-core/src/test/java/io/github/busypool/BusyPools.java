package io.github.busypool;

import java.time.Duration;
import java.time.Instant;

/**
 * What tests wait for on a {@link BusyPool}.
 */
public final class BusyPools {

	private BusyPools() {
	}

	/**
	 * Returns whether the pool has been busy for longer than the checks' 100 ms (they say
	 * busy only once busy has stood that long), with a margin.
	 * @param pool the pool
	 * @return whether busy has stood for more than 150 ms
	 */
	public static boolean stoodBusy(BusyPool pool) {
		Instant since = pool.snapshot().busySince();
		return since != null && Duration.between(since, Instant.now()).toMillis() > 150;
	}

}

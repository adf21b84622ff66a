package io.github.busypool.actuate;

import io.github.busypool.BusyPool;
import io.github.busypool.PoolSnapshot;

/**
 * One {@link PoolSnapshot} for all the gauges of a scrape: a registry reads its gauges one
 * after the other within moments, so each takes the snapshot the first one took, and
 * active, idle and queued always agree with each other. A snapshot older than
 * {@link #FRESH_NANOS} is taken again.
 */
final class ScrapeSnapshot {

	/** Far longer than a scrape takes, far shorter than the time between two. */
	static final long FRESH_NANOS = 100_000_000L;

	private final BusyPool pool;

	private PoolSnapshot last;

	private long takenAt;

	ScrapeSnapshot(BusyPool pool) {
		this.pool = pool;
	}

	synchronized PoolSnapshot get() {
		long now = System.nanoTime();
		if (this.last == null || now - this.takenAt > FRESH_NANOS) {
			this.last = this.pool.snapshot();
			this.takenAt = now;
		}
		return this.last;
	}

}

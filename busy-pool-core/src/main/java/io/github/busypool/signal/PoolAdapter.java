package io.github.busypool.signal;

import java.time.Duration;

/**
 * What one container's pool, or one threading model, provides to the
 * {@link SignalledPool} it is composed with: its counts, its size, and the two steps of
 * shutdown that only it can take. Everything else (the state, transitions, listeners,
 * draining) is the signalled pool's.
 * <p>
 * The counts are read on request threads after every task event, so each must be a
 * lock-free read of what the pool already keeps.
 */
public interface PoolAdapter extends PoolCounts {

	/**
	 * Returns the most tasks that may run at once, for snapshots and transitions.
	 * @return the maximum
	 */
	int maxThreads();

	/**
	 * Called before a snapshot, and on the listener thread before it brings the state in
	 * line with the counts (about once a second while nothing happens), to refresh what
	 * the counts rely on and no task event updates. Never on a request's path.
	 */
	default void refresh() {
	}

	/**
	 * Lets every task still waiting start now, and every later one start at once (see
	 * {@link DrainablePool#runQueuedNow()}).
	 * @return how many tasks were waiting
	 */
	int runQueuedNow();

	/**
	 * Stops the container's pool, waiting up to the timeout for running tasks, then giving
	 * up on them; or nothing, where the container stops it itself.
	 * @param timeout how long to wait
	 * @return whether the pool's threads have ended (or are not the adapter's to stop)
	 */
	boolean stop(Duration timeout);

}

package io.github.busypool;

import java.time.Duration;

/**
 * A {@link BusyPool} that the application's shutdown drives: it is told to drain, may be
 * told to start everything still waiting, and is then shut down.
 * <p>
 * Once {@link #drain()} has been called the state is {@link BusyState#DRAINING} for good;
 * tasks keep running and new ones are still accepted until the pool is shut down.
 */
public interface DrainablePool extends BusyPool {

	/**
	 * Moves to {@link BusyState#DRAINING} for good, without stopping anything.
	 */
	void drain();

	/**
	 * From now on, runs every task at once: lets every task still waiting start now, and
	 * every task that arrives later start at once too, however long the running ones take.
	 * Meant for the end of a shutdown, when a request still waiting, or still arriving on a
	 * connection accepted before the web server stopped accepting, must get an answer
	 * rather than wait for a thread that frees only after the connector has closed.
	 * @return how many tasks were waiting
	 */
	int runQueuedNow();

	/**
	 * Stops the pool: waits for running tasks and for listeners to finish, then gives up on
	 * what is left.
	 * @param timeout how long to wait for tasks, and again for listeners
	 * @return whether everything of the pool has ended
	 */
	boolean shutdownGracefully(Duration timeout);

}

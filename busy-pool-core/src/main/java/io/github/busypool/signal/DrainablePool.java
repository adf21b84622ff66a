package io.github.busypool.signal;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;

/**
 * A {@link BusyPool} as busy-pool's own wiring drives it: it registers busy-pool's
 * listeners, times queued tasks, and walks the pool through shutdown. Not for
 * applications, which inject {@link BusyPool}.
 * <p>
 * Shutdown moves the pool through three states, each for good: {@link #drain() draining}
 * (the state reads {@link BusyState#DRAINING}; tasks run and are accepted as before), then
 * {@link #runQueuedNow() finishing} (every task waiting, and every later one, runs at once,
 * however long the running ones take), then {@link #shutdownGracefully stopped}.
 */
public interface DrainablePool extends BusyPool {

	/**
	 * Sets busy-pool's own listeners, told of every transition in this order before any
	 * {@link #addListener added} one; replaces any set before.
	 * @param listeners the listeners
	 */
	void setListeners(List<? extends BusyStateListener> listeners);

	/**
	 * Sets what records how long tasks waited for a thread, or {@code null} for nothing.
	 * It is called on the thread that takes the task, so it must be quick.
	 * @param recorder the recorder, or {@code null}
	 */
	void setQueueWaitRecorder(@Nullable QueueWaitRecorder recorder);

	/**
	 * Moves to {@link BusyState#DRAINING} for good, without stopping anything.
	 */
	void drain();

	/**
	 * Moves to finishing: from now on, runs every task at once; lets every task still
	 * waiting start now, and every task that arrives later start at once too, however long
	 * the running ones take. Meant for the end of a shutdown, when a request still waiting,
	 * or still arriving on a connection accepted before the web server stopped accepting,
	 * must get an answer rather than wait for a thread that frees only after the connector
	 * has closed.
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

package io.github.busypool.signal;

import io.github.busypool.BusyPool;

/**
 * Records how long a task waited in a {@link BusyPool} before it could run: in the queue
 * until a thread took it, or for a permit of a concurrency limit. Only tasks that found no
 * idle thread or free permit are timed. Called on the thread that runs the task, just
 * before it runs, so it must be fast and must not block.
 */
@FunctionalInterface
public interface QueueWaitRecorder {

	/**
	 * Records one wait.
	 * @param nanos the time between the task's arrival and its start
	 */
	void record(long nanos);

}

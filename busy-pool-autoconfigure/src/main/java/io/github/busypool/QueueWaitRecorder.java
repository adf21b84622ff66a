package io.github.busypool;

/**
 * Records how long a task waited in a {@link BusyPoolExecutor}'s queue before a thread
 * took it. Only tasks that found no idle thread are timed. Called on a pool thread just
 * before the task runs, so it must be fast and must not block.
 */
@FunctionalInterface
public interface QueueWaitRecorder {

	/**
	 * Records one wait.
	 * @param nanos the time between {@code execute} and the start of the task
	 */
	void record(long nanos);

}

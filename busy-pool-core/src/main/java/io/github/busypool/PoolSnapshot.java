package io.github.busypool;

import org.jspecify.annotations.Nullable;

import java.time.Instant;

/**
 * A {@link BusyPool}'s state and counts at one instant, from one read of each count: they
 * agree with each other, unlike separate reads of a pool's active count, pool size and
 * queue made at different instants.
 *
 * @param state the state
 * @param activeThreads the threads running a task
 * @param idleThreads the pool threads not running a task
 * @param queued the tasks waiting for a thread
 * @param maxThreads the most threads the pool may have
 * @param busySince when the current busy period began, or {@code null} if not busy
 *
 * @since 0.1.0
 */
public record PoolSnapshot(BusyState state, int activeThreads, int idleThreads, int queued, int maxThreads,
		@Nullable Instant busySince) {

	/**
	 * Derives the thread and queue counts from the two counts a pool keeps: tasks submitted
	 * and not completed, and threads.
	 * @param state the state
	 * @param submitted tasks submitted and not yet completed (queued plus running)
	 * @param threads threads in the pool
	 * @param maxThreads the most threads the pool may have
	 * @param busySince when the current busy period began, or {@code null}
	 * @return the snapshot
	 */
	public static PoolSnapshot of(BusyState state, int submitted, int threads, int maxThreads,
			@Nullable Instant busySince) {
		int active = Math.max(0, Math.min(submitted, threads));
		return new PoolSnapshot(state, active, Math.max(0, threads - active), Math.max(0, submitted - threads),
				maxThreads, busySince);
	}

	/**
	 * Returns the tasks running or waiting.
	 * @return active threads plus queued tasks
	 */
	public int inFlight() {
		return this.activeThreads + this.queued;
	}

}

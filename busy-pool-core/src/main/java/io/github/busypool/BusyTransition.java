package io.github.busypool;

import java.time.Instant;

/**
 * A change of {@link BusyState}, with a snapshot of the pool taken when the change was
 * decided.
 *
 * @param sequence the number of this transition, starting at 1 and without gaps
 * @param from the state before
 * @param to the state after
 * @param at when the transition happened
 * @param activeThreads the threads running a task
 * @param idleThreads the pool threads not running a task
 * @param queued the tasks waiting for a thread
 * @param maxThreads the maximum size of the pool
 *
 * @since 0.1.0
 */
public record BusyTransition(long sequence, BusyState from, BusyState to, Instant at, int activeThreads,
		int idleThreads, int queued, int maxThreads) {

}

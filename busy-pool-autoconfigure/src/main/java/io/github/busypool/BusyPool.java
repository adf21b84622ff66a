package io.github.busypool;

import java.time.Duration;
import java.util.List;

/**
 * A worker pool that says whether it is busy: what health, metrics, the check and the
 * agent read, whatever runs the requests underneath.
 * <p>
 * The invariant: the pool counts as {@link BusyState#BUSY busy} when more tasks wait
 * than threads are idle, by more than its queue tolerance; {@link #getState()} may lag
 * the counts while tasks come and go, but equals that truth once the pool is quiet, and
 * every change of state is one {@link BusyTransition}, numbered without gaps, alternating
 * between busy and free until the pool drains for good. An implementation keeps the
 * counts it decides on readable without a lock (Tomcat's executor: its submitted count
 * and its pool size, both lock-free reads).
 */
public interface BusyPool {

	/**
	 * Returns the current state: one volatile read.
	 * @return the state
	 */
	BusyState getState();

	/**
	 * Returns the state and the counts, read together without a lock, so that they agree
	 * with each other ({@code queued - idle} is the excess the state is decided on).
	 * @return a snapshot
	 */
	PoolSnapshot snapshot();

	/**
	 * Returns how many transitions into the given state have been made.
	 * @param state {@link BusyState#BUSY} or {@link BusyState#FREE} (or
	 * {@link BusyState#DRAINING}: 1 once draining)
	 * @return the number of transitions
	 */
	long getTransitionCount(BusyState state);

	/**
	 * Returns how many transitions listeners were not told because they had fallen more
	 * than a few thousand transitions behind (a listener that blocks): such listeners are
	 * told of the state they missed in one transition instead, so that memory stays
	 * bounded.
	 * @return the number of transitions skipped
	 */
	default long getSkippedTransitions() {
		return 0;
	}

	/**
	 * Returns the total time spent busy, a busy period in progress included.
	 * @return the time spent busy
	 */
	Duration getBusyTime();

	/**
	 * Sets the listeners told of every transition, in order, on a thread of busy-pool's
	 * own; replaces any set before.
	 * @param listeners the listeners
	 */
	void setListeners(List<? extends BusyStateListener> listeners);

	/**
	 * Sets what records how long tasks waited for a thread, or {@code null} for nothing.
	 * It is called on the thread that takes the task, so it must be quick.
	 * @param recorder the recorder, or {@code null}
	 */
	void setQueueWaitRecorder(QueueWaitRecorder recorder);

}

package io.github.busypool;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.github.busypool.BusyTracker.Phase;

/**
 * The part every {@link BusyPool} shares, whatever runs its tasks: the busy/free state
 * machine, the log of its transitions, and the thread that tells listeners of them.
 * Knows no container.
 * <p>
 * An adapter keeps two counts, readable without a lock, and calls {@link #track} after
 * every change of them: {@code submitted}, the tasks accepted and not yet finished
 * (waiting or running), and {@code threads}, how many may run at once (the pool's
 * threads, or a concurrency limit's permits). The pool is busy when
 * {@code submitted - threads > tolerance}, which is {@code queued - idle > tolerance}
 * (see {@link BusyTracker} for why the state is right once the pool is quiet).
 * <p>
 * {@link #track} allocates nothing and costs one volatile read when the state already
 * leans the event's way; a transition costs one compare-and-set and one small object,
 * and wakes the listener thread.
 */
public final class BusySignal {

	private final BusyTracker tracker;

	private final TransitionDispatcher dispatcher;

	/**
	 * Creates the state machine, free, and starts its listener thread.
	 * @param tolerance how many more waiting tasks than idle threads still count as free
	 * (0 or more)
	 * @param maxThreads the most tasks that run at once, for the transitions' reports
	 * @param listenerThreadName the name of the thread that tells listeners
	 */
	public BusySignal(int tolerance, int maxThreads, String listenerThreadName) {
		if (tolerance < 0) {
			throw new IllegalArgumentException("queueTolerance must be >= 0, was " + tolerance);
		}
		Phase first = Phase.initial();
		this.dispatcher = new TransitionDispatcher(first, maxThreads, listenerThreadName);
		this.tracker = new BusyTracker(tolerance, first, this.dispatcher::wake, this.dispatcher::delivered);
		this.dispatcher.setCurrent(this.tracker::current);
		this.dispatcher.start();
	}

	/**
	 * Where {@link #track} reads an adapter's counts: both without a lock.
	 */
	public interface Counts {

		/**
		 * Returns the tasks accepted and not yet finished (waiting plus running).
		 * @return the submitted count
		 */
		int submitted();

		/**
		 * Returns how many tasks may run at once now (the pool's threads, or the permits).
		 * @return the thread count
		 */
		int threads();

	}

	/**
	 * Brings the state in line with the counts after one task was submitted ({@code leaning}
	 * {@link BusyState#BUSY}) or finished ({@link BusyState#FREE}); call it after
	 * changing the submitted count.
	 * @param leaning the way this event can move the state
	 * @param counts where the counts are read
	 */
	public void track(BusyState leaning, Counts counts) {
		this.tracker.track(leaning, counts);
	}

	/**
	 * Has the listener thread bring the state in line with these counts about once a second
	 * while nothing else happens: the state is decided at task events, and a change of the
	 * thread count without one (a worker replaced, idle threads expiring, a resize) would
	 * otherwise leave it stale until the next task. Call it once, with the counts
	 * {@link #track} is given.
	 * @param counts where the counts are read (from the listener thread)
	 */
	public void watch(Counts counts) {
		this.dispatcher.setRevalidation(() -> {
			while (this.tracker.update(counts.submitted(), counts.threads())) {
				// Changed the state, or lost a race to: decide again on fresh counts.
			}
		});
	}

	/**
	 * Moves to {@link BusyState#DRAINING} for good.
	 * @param counts the counts, for the transition's report
	 */
	public void drain(Counts counts) {
		this.tracker.drain(counts.submitted(), counts.threads());
	}

	/**
	 * Returns the current state: one volatile read.
	 * @return the state
	 */
	public BusyState state() {
		return this.tracker.current().state;
	}

	/**
	 * Returns the state with the given counts.
	 * @param counts the counts, read once each
	 * @param maxThreads the most tasks that run at once
	 * @return the snapshot
	 */
	public PoolSnapshot snapshot(Counts counts, int maxThreads) {
		Phase phase = this.tracker.current();
		return PoolSnapshot.of(phase.state, counts.submitted(), counts.threads(), maxThreads, busySince(phase));
	}

	/**
	 * Returns when the pool last became busy, or {@code null} if it is not busy.
	 * @return the start of the current busy period, or {@code null}
	 */
	public Instant busySince() {
		return busySince(this.tracker.current());
	}

	private static Instant busySince(Phase phase) {
		return (phase.state == BusyState.BUSY) ? Instant.ofEpochMilli(phase.startMillis) : null;
	}

	/**
	 * Returns the total time spent busy, a busy period in progress included.
	 * @return the time spent busy
	 */
	public Duration busyTime() {
		return Duration.ofNanos(this.tracker.current().busyNanosUntil(System.nanoTime()));
	}

	/**
	 * Returns how many transitions into a state have been made.
	 * @param state the state ({@link BusyState#DRAINING}: 1 once draining)
	 * @return the count
	 */
	public long transitionCount(BusyState state) {
		Phase phase = this.tracker.current();
		return switch (state) {
			case BUSY -> phase.toBusy;
			case FREE -> phase.toFree;
			case DRAINING -> (phase.state == BusyState.DRAINING) ? 1 : 0;
		};
	}

	/**
	 * Returns how many transitions listeners were not told because they had fallen more
	 * than a few thousand behind (a listener that blocks): they are told of the state they
	 * missed in one transition instead.
	 * @return the count
	 */
	public long skippedTransitions() {
		return this.dispatcher.skipped();
	}

	/**
	 * Sets the listeners told of every transition, in this order, on the listener thread.
	 * Replaces any set before.
	 * @param listeners the listeners
	 */
	public void setListeners(List<? extends BusyStateListener> listeners) {
		this.dispatcher.setListeners(List.copyOf(listeners));
	}

	/**
	 * Asks the listener thread to end once it has told every transition so far, without
	 * waiting.
	 */
	public void requestStop() {
		this.dispatcher.requestStop();
	}

	/**
	 * Ends the listener thread once it has told every transition so far.
	 * @param timeout how long to wait for it
	 * @return whether it has ended
	 */
	public boolean stop(Duration timeout) {
		return this.dispatcher.stop(timeout);
	}

}

package io.github.busypool.signal;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.BusyTransition;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.signal.BusyTracker.Phase;

/**
 * The one {@link DrainablePool} of busy-pool, for every container and threading model:
 * the busy/free state machine, the log of its transitions, the thread that tells
 * listeners of them, and shutdown's states; composed with a {@link PoolAdapter} that
 * provides the counts and the steps only the container can take. Knows no container.
 * <p>
 * The adapter's pool calls {@link #track} after every change of its submitted count: a
 * task submitted ({@code leaning} {@link BusyState#BUSY}) or finished
 * ({@link BusyState#FREE}). That allocates nothing and costs one volatile read when the
 * state already leans the event's way; a transition costs one compare-and-set and one
 * small object, and wakes the listener thread if it sleeps. The listener thread starts
 * with {@link #start()} or the first listener; while nothing happens it brings the state
 * in line with the counts about once a second, so that a change of the thread count
 * without a task event (a worker replaced, idle threads expiring, a resize) is seen.
 */
public final class SignalledPool implements DrainablePool {

	private final PoolAdapter adapter;

	private final BusyTracker tracker;

	private final TransitionDispatcher dispatcher;

	private volatile @Nullable QueueWaitRecorder queueWaitRecorder;

	private final Object listenersLock = new Object();

	private List<BusyStateListener> ownListeners = List.of();

	private List<BusyStateListener> addedListeners = List.of();

	private volatile boolean started;

	/**
	 * Creates the pool's signal, free, with its listener thread not yet started.
	 * @param tolerance how many more waiting tasks than idle threads still count as free
	 * (0 or more)
	 * @param adapter the container's pool
	 */
	public SignalledPool(int tolerance, PoolAdapter adapter) {
		if (tolerance < 0) {
			throw new IllegalArgumentException("queueTolerance must be >= 0, was " + tolerance);
		}
		this.adapter = adapter;
		Phase first = Phase.initial();
		this.dispatcher = new TransitionDispatcher(first, adapter::maxThreads, "busy-pool-events");
		this.tracker = new BusyTracker(tolerance, first, this.dispatcher::wake, this.dispatcher::delivered);
		this.dispatcher.setCurrent(this.tracker::current);
		this.dispatcher.setRevalidation(() -> {
			adapter.refresh();
			while (this.tracker.update(adapter.submitted(), adapter.threads())) {
				// Changed the state, or lost a race to: decide again on fresh counts.
			}
		});
	}

	/**
	 * Starts the listener thread, if it has not started. Called by the adapter's pool when
	 * the container starts it, and by the first listener.
	 */
	public void start() {
		if (!this.started) {
			synchronized (this.listenersLock) {
				if (!this.started) {
					this.dispatcher.start();
					this.started = true;
				}
			}
		}
	}

	/**
	 * Brings the state in line with the counts after one task was submitted or finished;
	 * call it after changing the submitted count.
	 * @param leaning the way this event can move the state
	 */
	public void track(BusyState leaning) {
		this.tracker.track(leaning, this.adapter);
	}

	/**
	 * Returns what records how long tasks wait, or {@code null}: one volatile read, for the
	 * adapter's pool to decide whether to time a task.
	 * @return the recorder, or {@code null}
	 */
	public @Nullable QueueWaitRecorder queueWaitRecorder() {
		return this.queueWaitRecorder;
	}

	@Override
	public void setQueueWaitRecorder(@Nullable QueueWaitRecorder recorder) {
		this.queueWaitRecorder = recorder;
	}

	@Override
	public BusyState getState() {
		return this.tracker.current().state;
	}

	@Override
	public PoolSnapshot snapshot() {
		this.adapter.refresh();
		Phase phase = this.tracker.current();
		return PoolSnapshot.of(phase.state, this.adapter.submitted(), this.adapter.threads(),
				this.adapter.maxThreads(), busySince(phase));
	}

	private static Instant busySince(Phase phase) {
		return (phase.state == BusyState.BUSY) ? Instant.ofEpochMilli(phase.startMillis) : null;
	}

	@Override
	public Duration getBusyTime() {
		return Duration.ofNanos(this.tracker.current().busyNanosUntil(System.nanoTime()));
	}

	@Override
	public long getTransitionCount(BusyState state) {
		Phase phase = this.tracker.current();
		return switch (state) {
			case BUSY -> phase.toBusy;
			case FREE -> phase.toFree;
			case DRAINING -> (phase.state == BusyState.DRAINING) ? 1 : 0;
		};
	}

	@Override
	public long getSkippedTransitions() {
		return this.dispatcher.skipped();
	}

	@Override
	public void setListeners(List<? extends BusyStateListener> listeners) {
		synchronized (this.listenersLock) {
			this.ownListeners = List.copyOf(listeners);
			publishListeners();
		}
		start();
	}

	@Override
	public Registration addListener(BusyStateListener listener) {
		if (listener == null) {
			throw new IllegalArgumentException("listener must not be null");
		}
		// A registration of its own, so that closing it removes this addition only, even
		// when the same listener was added twice.
		Added added = new Added(listener);
		synchronized (this.listenersLock) {
			List<BusyStateListener> more = new ArrayList<>(this.addedListeners);
			more.add(added);
			this.addedListeners = List.copyOf(more);
			publishListeners();
		}
		start();
		return () -> {
			synchronized (this.listenersLock) {
				List<BusyStateListener> fewer = new ArrayList<>(this.addedListeners);
				fewer.remove(added);
				this.addedListeners = List.copyOf(fewer);
				publishListeners();
			}
		};
	}

	private void publishListeners() {
		List<BusyStateListener> all = new ArrayList<>(this.ownListeners);
		all.addAll(this.addedListeners);
		this.dispatcher.setListeners(all);
	}

	@Override
	public void drain() {
		this.tracker.drain(this.adapter.submitted(), this.adapter.threads());
	}

	@Override
	public int runQueuedNow() {
		return this.adapter.runQueuedNow();
	}

	@Override
	public boolean shutdownGracefully(Duration timeout) {
		drain();
		boolean stopped = this.adapter.stop(timeout);
		return this.dispatcher.stop(timeout) && stopped;
	}

	/**
	 * Asks the listener thread to end once it has told every transition so far, without
	 * waiting: for an adapter whose pool has terminated.
	 */
	public void requestStop() {
		this.dispatcher.requestStop();
	}

	boolean listenerThreadAlive() {
		return this.dispatcher.isAlive();
	}

	@Override
	public String toString() {
		return "SignalledPool[" + this.adapter + "]";
	}

	/** A listener as added, so that its registration removes exactly this addition. */
	private record Added(BusyStateListener listener) implements BusyStateListener {

		@Override
		public void onTransition(BusyTransition transition) {
			this.listener.onTransition(transition);
		}

		@Override
		public boolean equals(Object other) {
			return this == other;
		}

		@Override
		public int hashCode() {
			return System.identityHashCode(this);
		}

	}

}

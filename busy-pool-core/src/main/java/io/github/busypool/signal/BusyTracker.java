package io.github.busypool.signal;

import io.github.busypool.BusyState;
import io.github.busypool.BusyTransition;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * The busy/free state machine behind a {@link SignalledPool}, and the log of its
 * transitions.
 * <p>
 * The whole state is one word, the current {@link Phase}, changed only by
 * compare-and-set, so transitions are totally ordered and each is made exactly once. The
 * thread that wins a change links the old phase to the new one, so the phases form a log
 * that {@link TransitionDispatcher} walks in order. When the reader falls more than
 * {@link Phase#MAX_LAG} phases behind (a listener blocks), new phases are no longer linked,
 * so the log never holds more; the reader then goes on from the current phase.
 * <p>
 * The rule that keeps the reported state true: <em>whoever changes the state, or loses a
 * race to change it, decides again on fresh counts</em> ({@link #update} returns
 * {@code true}). A thread may decide on counts that are stale by the time its
 * compare-and-set lands; the re-check undoes that, so once the pool is quiet the state
 * equals the truth. The price is, at worst, a short busy/free pair during a race.
 */
final class BusyTracker {

	private final int tolerance;

	private final Runnable onTransition;

	private final AtomicReference<Phase> current;

	private final LongSupplier delivered;

	BusyTracker(int tolerance, Phase initial, Runnable onTransition) {
		this(tolerance, initial, onTransition, () -> Long.MAX_VALUE);
	}

	/**
	 * @param delivered the sequence of the last phase the log's reader has reached: a phase
	 * more than {@link Phase#MAX_LAG} ahead of it is not linked (its predecessor gets
	 * {@link Phase#GAP}), so a reader stuck in a listener never holds more than that many
	 */
	BusyTracker(int tolerance, Phase initial, Runnable onTransition, LongSupplier delivered) {
		this.tolerance = tolerance;
		this.current = new AtomicReference<>(initial);
		this.onTransition = onTransition;
		this.delivered = delivered;
	}

	/**
	 * Brings the state in line with the counts after one task was submitted ({@code leaning}
	 * {@link BusyState#BUSY}) or completed ({@link BusyState#FREE}), having changed the
	 * submitted count first.
	 * <p>
	 * A submitted task can only make the pool busier (a thread started for it adds as much
	 * idle capacity as the task takes), and a finished task only freer, so each skips the
	 * counts when the state already leans its way. That stays true under races: the
	 * skipping thread changed its count before it read the state, and whoever changes the
	 * state after that read re-reads the counts after its compare-and-set, so it sees the
	 * change.
	 * @param leaning the way this event can move the state
	 * @param counts where the counts are read
	 */
	void track(BusyState leaning, PoolCounts counts) {
		if (this.current.get().state == leaning) {
			return;
		}
		while (update(counts.submitted(), counts.threads())) {
			// We changed the state, or lost a race to: decide again on fresh counts.
		}
	}

	/**
	 * Brings the state in line with the given counts.
	 * @param submitted tasks submitted and not yet completed (queued plus running)
	 * @param threads threads in the pool
	 * @return {@code true} if the state was changed, or another thread changed it first:
	 * the caller must call again with fresh counts
	 */
	boolean update(int submitted, int threads) {
		Phase phase = this.current.get();
		// queued - idle == (submitted - running) - (threads - running) == submitted - threads
		boolean busy = submitted - threads > this.tolerance;
		if (phase.state == BusyState.DRAINING || (phase.state == BusyState.BUSY) == busy) {
			return false;
		}
		move(phase, busy ? BusyState.BUSY : BusyState.FREE, submitted, threads);
		return true;
	}

	/**
	 * Moves to {@link BusyState#DRAINING} for good.
	 * @param submitted tasks submitted and not yet completed
	 * @param threads threads in the pool
	 */
	void drain(int submitted, int threads) {
		Phase phase = this.current.get();
		while (phase.state != BusyState.DRAINING) {
			move(phase, BusyState.DRAINING, submitted, threads);
			phase = this.current.get();
		}
	}

	private void move(Phase from, BusyState to, int submitted, int threads) {
		Phase next = from.next(to, submitted, threads);
		if (this.current.compareAndSet(from, next)) {
			long lag = next.sequence - this.delivered.getAsLong();
			from.successor = (lag <= Phase.MAX_LAG) ? next : Phase.GAP;
			this.onTransition.run();
		}
	}

	Phase current() {
		return this.current.get();
	}

	/**
	 * One state of the pool, from the transition that entered it until the next one. Its
	 * fields are the running totals as of its start, so readers get a consistent view
	 * from a single read of {@link BusyTracker#current}.
	 */
	static final class Phase {

		/**
		 * How far the log may run ahead of its reader before phases are no longer linked:
		 * the most phases a stuck listener keeps in memory.
		 */
		static final long MAX_LAG = 4096;

		/**
		 * The successor of a phase whose own successor was not linked, because the reader
		 * was too far behind: it must go on from {@link BusyTracker#current}.
		 */
		static final Phase GAP = new Phase(BusyState.FREE, -1, 0, 0, 0, 0, 0, 0, 0);

		final BusyState state;

		final long sequence;

		final long startNanos;

		final long startMillis;

		/** Nanoseconds spent busy before this phase started. */
		final long busyNanos;

		final long toBusy;

		final long toFree;

		/** The counts the transition into this phase was decided on. */
		final int submitted;

		final int threads;

		/** The next phase, set once by the thread that made the transition. */
		volatile Phase successor;

		private Phase(BusyState state, long sequence, long startNanos, long startMillis, long busyNanos, long toBusy,
				long toFree, int submitted, int threads) {
			this.state = state;
			this.sequence = sequence;
			this.startNanos = startNanos;
			this.startMillis = startMillis;
			this.busyNanos = busyNanos;
			this.toBusy = toBusy;
			this.toFree = toFree;
			this.submitted = submitted;
			this.threads = threads;
		}

		static Phase initial() {
			return new Phase(BusyState.FREE, 0, System.nanoTime(), System.currentTimeMillis(), 0, 0, 0, 0, 0);
		}

		Phase next(BusyState to, int submitted, int threads) {
			long now = System.nanoTime();
			long busy = this.busyNanos + ((this.state == BusyState.BUSY) ? now - this.startNanos : 0);
			return new Phase(to, this.sequence + 1, now, System.currentTimeMillis(), busy,
					this.toBusy + ((to == BusyState.BUSY) ? 1 : 0), this.toFree + ((to == BusyState.FREE) ? 1 : 0),
					submitted, threads);
		}

		long busyNanosUntil(long nanos) {
			return this.busyNanos + ((this.state == BusyState.BUSY) ? nanos - this.startNanos : 0);
		}

		BusyTransition transitionFrom(Phase previous, int maxThreads) {
			int active = Math.min(this.submitted, this.threads);
			return new BusyTransition(this.sequence, previous.state, this.state, Instant.ofEpochMilli(this.startMillis),
					active, this.threads - active, Math.max(0, this.submitted - this.threads), maxThreads);
		}

	}

}

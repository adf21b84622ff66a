package io.github.busypool.signal;

import java.util.concurrent.atomic.AtomicInteger;

import io.github.busypool.BusyState;

import org.openjdk.jcstress.infra.results.III_Result;

/**
 * A {@link BusyTracker} over a pool modelled by its submitted count and a fixed number of
 * threads, driven the way {@link BusyPoolExecutor} drives it: change the count, then
 * {@link BusyTracker#track track}.
 */
class TrackedPool implements PoolCounts {

	static final int THREADS = 2;

	final AtomicInteger submitted;

	final BusyTracker.Phase first = BusyTracker.Phase.initial();

	final BusyTracker tracker;

	/** The state and sequence before the actors run. */
	final BusyState before;

	final long sequenceBefore;

	/**
	 * Creates a pool with {@code submitted} tasks, its state already true.
	 */
	TrackedPool(int submitted, int tolerance) {
		this.submitted = new AtomicInteger(submitted);
		this.tracker = new BusyTracker(tolerance, this.first, () -> {
		});
		this.tracker.track((submitted - THREADS > tolerance) ? BusyState.BUSY : BusyState.FREE, this);
		this.before = this.tracker.current().state;
		this.sequenceBefore = this.tracker.current().sequence;
	}

	void submit() {
		this.submitted.incrementAndGet();
		this.tracker.track(BusyState.BUSY, this);
	}

	void complete() {
		this.submitted.decrementAndGet();
		this.tracker.track(BusyState.FREE, this);
	}

	@Override
	public int submitted() {
		return this.submitted.get();
	}

	@Override
	public int threads() {
		return THREADS;
	}

	/**
	 * Once the actors are done: r1 = 1 if the state equals the truth; r2 = 1 if the race
	 * left extra busy/free pairs beyond the fewest transitions that reach the final state
	 * (allowed: a thread that decided on stale counts is undone by the re-check); r3 = 1
	 * if the log is whole (each transition linked exactly once, sequences without gaps,
	 * states alternating, totals matching, extra transitions in pairs).
	 */
	void judge(int tolerance, BusyState before, long sequenceBefore, III_Result result) {
		BusyTracker.Phase current = this.tracker.current();
		boolean busy = this.submitted.get() - THREADS > tolerance;
		result.r1 = ((current.state == BusyState.BUSY) == busy) ? 1 : 0;
		long made = current.sequence - sequenceBefore;
		long fewest = (current.state != before) ? 1 : 0;
		result.r2 = (made > fewest) ? 1 : 0;
		result.r3 = (wholeLog(current) && (made - fewest) % 2 == 0) ? 1 : 0;
	}

	private boolean wholeLog(BusyTracker.Phase current) {
		BusyTracker.Phase phase = this.first;
		long toBusy = 0;
		long toFree = 0;
		while (phase != current) {
			BusyTracker.Phase next = phase.successor;
			if (next == null || next.sequence != phase.sequence + 1 || next.state == phase.state) {
				return false;
			}
			toBusy += (next.state == BusyState.BUSY) ? 1 : 0;
			toFree += (next.state == BusyState.FREE) ? 1 : 0;
			phase = next;
		}
		return current.successor == null && current.toBusy == toBusy && current.toFree == toFree;
	}

}

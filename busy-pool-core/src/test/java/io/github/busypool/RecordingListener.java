package io.github.busypool;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records transitions and the first way in which they broke the contract: a gap in the
 * sequence, a {@code from} that is not the previous {@code to}, or a repeated state.
 */
public class RecordingListener implements BusyStateListener {

	public final List<BusyTransition> transitions = new CopyOnWriteArrayList<>();

	public final AtomicReference<String> firstViolation = new AtomicReference<>();

	public final List<Thread> threads = new CopyOnWriteArrayList<>();

	private BusyTransition last;

	@Override
	public void onTransition(BusyTransition transition) {
		if (this.threads.isEmpty() || this.threads.get(this.threads.size() - 1) != Thread.currentThread()) {
			this.threads.add(Thread.currentThread());
		}
		long expected = (this.last != null) ? this.last.sequence() + 1 : 1;
		BusyState previous = (this.last != null) ? this.last.to() : BusyState.FREE;
		if (transition.sequence() != expected || transition.from() != previous
				|| transition.from() == transition.to()) {
			this.firstViolation.compareAndSet(null, "after " + this.last + " came " + transition);
		}
		this.last = transition;
		this.transitions.add(transition);
	}

	public BusyState lastState() {
		return this.transitions.isEmpty() ? BusyState.FREE : this.transitions.get(this.transitions.size() - 1).to();
	}

}

package io.github.busypool.signal;

import io.github.busypool.BusyStateListener;
import io.github.busypool.BusyTransition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.busypool.signal.BusyTracker.Phase;

/**
 * Tells {@link BusyStateListener}s of transitions, in order, on a thread of its own.
 * <p>
 * It walks the phase log of a {@link BusyTracker}: pool threads only link a new phase, so
 * a slow or failing listener never touches a request. While a listener blocks, later
 * transitions wait in the log and are delivered afterwards, up to
 * {@link Phase#MAX_LAG}: beyond that the log is not kept, and listeners are then told of
 * one transition to the current state, if it differs from the last they heard of
 * ({@link #skipped()} counts the rest).
 * <p>
 * Waking a parked thread is a system call, and a pool that hovers at the busy line makes
 * thousands of transitions a second. So while transitions keep coming this thread polls
 * the log every millisecond, and pool threads wake it only once it has gone to sleep
 * after {@link #POLLS_BEFORE_SLEEP} empty polls. Listeners hear of a transition within
 * about a millisecond either way.
 * <p>
 * Asleep, it wakes every {@link #REVALIDATE_NANOS} to run the revalidation it was given:
 * the state is decided at task events, and a change of the thread count with none (a
 * worker replaced, idle threads expiring, a resize) would otherwise leave it stale until
 * the next request.
 */
final class TransitionDispatcher implements Runnable {

	private static final Log logger = LogFactory.getLog(TransitionDispatcher.class);

	private static final long POLL_NANOS = 1_000_000;

	static final int POLLS_BEFORE_SLEEP = 100;

	/** How often a sleeping dispatcher brings the state in line with the counts. */
	static final long REVALIDATE_NANOS = 1_000_000_000L;

	private final Thread thread;

	/** The pool's maximum now, for the transitions' reports (read on this thread). */
	private final IntSupplier maxThreads;

	private volatile List<BusyStateListener> listeners = List.of();

	private volatile boolean stopping;

	private volatile boolean sleeping;

	private volatile Runnable revalidation = () -> {
	};

	private Phase last;

	/** The sequence of {@link #last}: how far the log has been read. */
	private volatile long delivered;

	/** Transitions listeners were not told because they had fallen too far behind. */
	private final LongAdder skipped = new LongAdder();

	/** Where to go on from after a gap; set by the signal, which alone makes gaps. */
	private volatile Supplier<Phase> current;

	TransitionDispatcher(Phase first, IntSupplier maxThreads, String threadName) {
		this.last = first;
		this.delivered = first.sequence;
		this.maxThreads = maxThreads;
		this.thread = new Thread(this, threadName);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	/**
	 * Sets what to run, on this thread, each time it wakes from sleep with nothing to
	 * deliver.
	 */
	void setRevalidation(Runnable revalidation) {
		this.revalidation = revalidation;
	}

	/**
	 * Sets where to find the current phase when the log has a gap (see {@link Phase#GAP}).
	 */
	void setCurrent(Supplier<Phase> current) {
		this.current = current;
	}

	/**
	 * Returns the sequence of the last phase read: the tracker links no phase more than
	 * {@link Phase#MAX_LAG} ahead of it.
	 */
	long delivered() {
		return this.delivered;
	}

	/**
	 * Returns how many transitions listeners were not told because they had fallen more
	 * than {@link Phase#MAX_LAG} behind.
	 */
	long skipped() {
		return this.skipped.sum();
	}

	void setListeners(List<BusyStateListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Called by a pool thread after it has linked a new phase.
	 */
	void wake() {
		// Pairs with run(): it sets sleeping, then reads the log; we linked, then read
		// sleeping. With both volatile, at least one of us sees the other's write.
		if (this.sleeping) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Delivers what is already in the log, then ends the thread.
	 * @param timeout how long to wait for listeners to return before interrupting them
	 * @return whether the thread has ended
	 */
	boolean stop(Duration timeout) {
		requestStop();
		if (Thread.currentThread() == this.thread) {
			return false;
		}
		try {
			long millis = Math.max(1, timeout.toMillis());
			this.thread.join(millis);
			if (this.thread.isAlive()) {
				this.thread.interrupt();
				this.thread.join(millis);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return !this.thread.isAlive();
	}

	/**
	 * Asks the thread to end once it has delivered what is already in the log, without
	 * waiting for it.
	 */
	void requestStop() {
		this.stopping = true;
		LockSupport.unpark(this.thread);
	}

	boolean isAlive() {
		return this.thread.isAlive();
	}

	boolean isSleeping() {
		return this.sleeping;
	}

	@Override
	public void run() {
		int emptyPolls = 0;
		while (true) {
			Phase next = this.last.successor;
			if (next == Phase.GAP) {
				catchUp();
				emptyPolls = 0;
			}
			else if (next != null) {
				deliver(next.transitionFrom(this.last, this.maxThreads.getAsInt()));
				this.last = next;
				this.delivered = next.sequence;
				emptyPolls = 0;
			}
			else if (this.stopping) {
				return;
			}
			else if (emptyPolls < POLLS_BEFORE_SLEEP) {
				emptyPolls++;
				LockSupport.parkNanos(this, POLL_NANOS);
			}
			else {
				this.sleeping = true;
				// Read the log again after announcing sleep (see wake()). An unpark()
				// that lands before park() leaves a permit, so it is not lost either.
				if (this.last.successor == null && !this.stopping) {
					LockSupport.parkNanos(this, REVALIDATE_NANOS);
				}
				this.sleeping = false;
				if (this.last.successor == null && !this.stopping) {
					revalidate();
				}
			}
			// A listener may leave the interrupt flag set; park() would then spin.
			Thread.interrupted();
		}
	}

	/**
	 * Goes on from the current phase after a gap: listeners are told of one transition
	 * from the last state they heard of to the current one, if they differ, so that what
	 * they hear still alternates; the transitions in between are counted as skipped.
	 */
	private void catchUp() {
		Supplier<Phase> current = this.current;
		if (current == null) {
			throw new IllegalStateException("The log has a gap, and no current phase was given (setCurrent)");
		}
		Phase now = current.get();
		long missed = now.sequence - this.last.sequence;
		if (now.state != this.last.state) {
			deliver(now.transitionFrom(this.last, this.maxThreads.getAsInt()));
			missed--;
		}
		this.skipped.add(Math.max(0, missed));
		this.last = now;
		this.delivered = now.sequence;
	}

	private void revalidate() {
		try {
			this.revalidation.run();
		}
		catch (RuntimeException ex) {
			logger.warn("busy-pool could not bring its state in line with the pool's counts", ex);
		}
	}

	private void deliver(BusyTransition transition) {
		for (BusyStateListener listener : this.listeners) {
			try {
				listener.onTransition(transition);
			}
			catch (Throwable ex) {
				logger.warn("BusyStateListener " + listener.getClass().getName() + " failed on transition "
						+ transition.sequence() + " to " + transition.to().label(), ex);
			}
		}
	}

}

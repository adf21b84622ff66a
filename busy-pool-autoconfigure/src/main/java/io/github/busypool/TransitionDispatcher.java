package io.github.busypool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.busypool.BusyTracker.Phase;

/**
 * Tells {@link BusyStateListener}s of transitions, in order, on a thread of its own.
 * <p>
 * It walks the phase log of a {@link BusyTracker}: pool threads only link a new phase and
 * unpark this thread, so a slow or failing listener never touches a request. While a
 * listener blocks, later transitions wait in the log and are delivered afterwards.
 */
final class TransitionDispatcher implements Runnable {

	private static final Log logger = LogFactory.getLog(TransitionDispatcher.class);

	private final Thread thread;

	private final int maxThreads;

	private volatile List<BusyStateListener> listeners = List.of();

	private volatile boolean stopping;

	private Phase last;

	TransitionDispatcher(Phase first, int maxThreads, String threadName) {
		this.last = first;
		this.maxThreads = maxThreads;
		this.thread = new Thread(this, threadName);
		this.thread.setDaemon(true);
	}

	void start() {
		this.thread.start();
	}

	void setListeners(List<BusyStateListener> listeners) {
		this.listeners = List.copyOf(listeners);
	}

	void wake() {
		LockSupport.unpark(this.thread);
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
		wake();
	}

	boolean isAlive() {
		return this.thread.isAlive();
	}

	@Override
	public void run() {
		while (true) {
			Phase next = this.last.successor;
			if (next != null) {
				deliver(next.transitionFrom(this.last, this.maxThreads));
				this.last = next;
			}
			else if (this.stopping) {
				return;
			}
			else {
				// unpark() before park() leaves a permit, so a wake-up between the check
				// above and this call is not lost.
				LockSupport.park(this);
			}
			// A listener may leave the interrupt flag set; park() would then spin.
			Thread.interrupted();
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

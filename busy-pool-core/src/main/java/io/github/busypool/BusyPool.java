package io.github.busypool;

import java.time.Duration;

/**
 * The web server's worker pool as busy-pool sees it, whatever runs the requests
 * underneath (Tomcat's executor, Jetty's pool, or a concurrency limit on virtual threads):
 * the bean to inject to read the state. It only reads: nothing here changes the pool or
 * what busy-pool itself has registered.
 * <p>
 * The invariant: the pool counts as {@link BusyState#BUSY busy} when more tasks wait
 * than threads are idle, by more than {@code busy-pool.queue-tolerance}; {@link #getState()}
 * may lag the counts while tasks come and go, but equals that truth once the pool is quiet
 * (within about a second, also when only the thread count changed), and every change of
 * state is one {@link BusyTransition}, numbered in order, alternating between busy and free
 * until the pool drains for good.
 *
 * @since 0.1.0
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
	long getSkippedTransitions();

	/**
	 * Returns the total time spent busy, a busy period in progress included.
	 * @return the time spent busy
	 */
	Duration getBusyTime();

	/**
	 * Adds a listener, told of every later transition, in order, on busy-pool's own
	 * listener thread (never on a request thread), after the listeners busy-pool itself
	 * registered ({@link BusyStateListener} beans, and the one that publishes
	 * application events). A listener that throws is logged and told of later transitions.
	 * @param listener the listener
	 * @return a registration that removes this listener, and only this one, when closed
	 */
	Registration addListener(BusyStateListener listener);

	/**
	 * A listener added with {@link #addListener}; closing it removes that listener.
	 * Closing twice does nothing.
	 *
	 * @since 0.1.0
	 */
	interface Registration extends AutoCloseable {

		/**
		 * Removes the listener: it hears of no transition after this returns, except one
		 * being delivered at that moment.
		 */
		@Override
		void close();

	}

}

package io.github.busypool;

/**
 * Told of every {@link BusyTransition} of a {@link BusyPool}.
 * <p>
 * Listeners are called one at a time, in the order of the transitions, on a thread of
 * busy-pool's own, never on a Tomcat thread. A listener that throws is logged and the
 * next one is still called; a listener that blocks delays only later notifications,
 * never a request. Transitions made meanwhile wait in memory, about a hundred bytes each,
 * so a listener should return promptly and hand slow work elsewhere.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface BusyStateListener {

	/**
	 * Called after the pool has changed state.
	 * @param transition the transition, with a snapshot of the pool at that moment
	 */
	void onTransition(BusyTransition transition);

}

package io.github.busypool.autoconfigure;

import org.springframework.context.ApplicationEvent;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyTransition;

/**
 * Published for every {@link BusyTransition} of the {@link BusyPool}, on busy-pool's
 * own listener thread.
 */
public class BusyStateChangedEvent extends ApplicationEvent {

	private final BusyTransition transition;

	/**
	 * Creates an event.
	 * @param source the pool that made the transition
	 * @param transition the transition
	 */
	public BusyStateChangedEvent(BusyPool source, BusyTransition transition) {
		super(source);
		this.transition = transition;
	}

	/**
	 * Returns the transition.
	 * @return the transition
	 */
	public BusyTransition getTransition() {
		return this.transition;
	}

}

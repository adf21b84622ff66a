package io.github.busypool.event;

import org.springframework.context.ApplicationEvent;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyTransition;

/**
 * Published for every {@link BusyTransition} of a {@link BusyPoolExecutor}, on busy-pool's
 * own listener thread.
 */
public class BusyStateChangedEvent extends ApplicationEvent {

	private final BusyTransition transition;

	public BusyStateChangedEvent(BusyPoolExecutor source, BusyTransition transition) {
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

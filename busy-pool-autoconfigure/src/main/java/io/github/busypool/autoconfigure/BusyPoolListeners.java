package io.github.busypool.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;

import io.github.busypool.BusyStateListener;
import io.github.busypool.signal.DrainablePool;

/**
 * Hands the pool busy-pool's own listeners once every singleton exists, before the web
 * server starts: the {@link BusyStateListener} beans, in order, then one that publishes a
 * {@link BusyStateChangedEvent} for each transition. Listeners added later through
 * {@code BusyPool.addListener} come after them and cannot remove them.
 */
final class BusyPoolListeners implements SmartInitializingSingleton {

	private final DrainablePool pool;

	private final ObjectProvider<BusyStateListener> listeners;

	private final ApplicationEventPublisher publisher;

	BusyPoolListeners(DrainablePool pool, ObjectProvider<BusyStateListener> listeners,
			ApplicationEventPublisher publisher) {
		this.pool = pool;
		this.listeners = listeners;
		this.publisher = publisher;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<BusyStateListener> all = new ArrayList<>(this.listeners.orderedStream().toList());
		all.add((transition) -> this.publisher.publishEvent(new BusyStateChangedEvent(this.pool, transition)));
		this.pool.setListeners(all);
	}

}

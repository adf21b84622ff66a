package io.github.busypool.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyStateListener;
import io.github.busypool.event.BusyStateChangedEvent;

/**
 * Ties a {@link BusyPoolExecutor} to the application context: hands it the
 * {@link BusyStateListener} beans (plus one that publishes
 * {@link BusyStateChangedEvent}s) before the web server starts, moves it to draining
 * when the context begins to close, waits for the drain delay while the web server still
 * serves, then lets graceful shutdown begin, and shuts the pool down after the web server
 * has stopped.
 */
final class BusyPoolLifecycle implements SmartInitializingSingleton, SmartLifecycle, DisposableBean {

	/** Stops just before the web server's graceful shutdown begins. */
	static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 1;

	private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

	private final BusyPoolExecutor executor;

	private final ObjectProvider<BusyStateListener> listeners;

	private static final Log logger = LogFactory.getLog(BusyPoolLifecycle.class);

	private final ApplicationEventPublisher publisher;

	private final Duration drainDelay;

	private volatile boolean running;

	BusyPoolLifecycle(BusyPoolExecutor executor, ObjectProvider<BusyStateListener> listeners,
			ApplicationEventPublisher publisher, Duration drainDelay) {
		this.executor = executor;
		this.listeners = listeners;
		this.publisher = publisher;
		this.drainDelay = drainDelay;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<BusyStateListener> all = new ArrayList<>(this.listeners.orderedStream().toList());
		all.add((transition) -> this.publisher.publishEvent(new BusyStateChangedEvent(this.executor, transition)));
		this.executor.setListeners(all);
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.executor.drain();
		if (!this.drainDelay.isZero()) {
			logger.info("busy-pool is draining: checks answer 'draining' for " + this.drainDelay
					+ " before the web server shuts down");
			try {
				Thread.sleep(this.drainDelay.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void destroy() {
		this.executor.shutdownGracefully(SHUTDOWN_TIMEOUT);
	}

}

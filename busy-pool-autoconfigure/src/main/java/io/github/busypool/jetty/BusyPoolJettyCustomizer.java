package io.github.busypool.jetty;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.VirtualThreadPool;

import org.springframework.boot.jetty.ConfigurableJettyWebServerFactory;
import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import io.github.busypool.shed.MainConnector;

/**
 * Gives Jetty a {@link BusyQueuedThreadPool} as its server thread pool, after Boot has
 * made its own from {@code server.jetty.threads.*}, and keeps hold of the server so that
 * shutdown can {@link #stopAccepting() stop it accepting}.
 * <p>
 * Without a pool (virtual threads), it keeps Jetty's virtual-thread pool that Boot installs
 * but lifts its cap: Boot caps every task of Jetty's at {@code server.jetty.threads.max},
 * its selectors and acceptors included, with an unfair semaphore, so requests would wait
 * there, before busy-pool's concurrency limit could see them. The limit caps requests at
 * the same number instead, in arrival order.
 */
public class BusyPoolJettyCustomizer
		implements WebServerFactoryCustomizer<ConfigurableJettyWebServerFactory>, MainConnector, Ordered {

	/**
	 * After Boot's {@code JettyWebServerFactoryCustomizer} (order 0), which sets its own
	 * pool, and its virtual-thread customizer (order 1).
	 */
	public static final int ORDER = 2;

	private static final Log logger = LogFactory.getLog(BusyPoolJettyCustomizer.class);

	private final BusyQueuedThreadPool pool;

	private volatile Server server;

	/**
	 * Creates a customizer.
	 * @param pool the pool to install, or {@code null} to keep the server's
	 */
	public BusyPoolJettyCustomizer(BusyQueuedThreadPool pool) {
		this.pool = pool;
	}

	@Override
	public void customize(ConfigurableJettyWebServerFactory factory) {
		if (this.pool != null) {
			if (factory instanceof JettyWebServerFactory jetty && jetty.getThreadPool() instanceof QueuedThreadPool boots
					&& boots != this.pool) {
				// The sizes Boot gave its own pool, defaults included, rather than our copy.
				this.pool.sizeLike(boots);
			}
			factory.setThreadPool(this.pool);
		}
		else if (factory instanceof JettyWebServerFactory jetty
				&& jetty.getThreadPool() instanceof VirtualThreadPool virtual) {
			virtual.setMaxThreads(0);
		}
		factory.addServerCustomizers((server) -> this.server = server);
	}

	@Override
	public void stopAccepting() {
		Server server = this.server;
		if (server == null) {
			return;
		}
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof NetworkConnector network
					&& !BusyPoolJettyCheckConnector.NAME.equals(connector.getName())) {
				try {
					network.close();
				}
				catch (RuntimeException ex) {
					logger.warn("busy-pool: could not stop " + connector + " accepting: " + ex);
				}
			}
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

package io.github.busypool.tomcat;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.AbstractProtocol;
import org.apache.coyote.ProtocolHandler;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import io.github.busypool.shed.MainConnector;



/**
 * Installs a {@link BusyPoolExecutor} as the executor of Tomcat's main connector, the way
 * Boot installs its own virtual-thread executor, and keeps hold of the connector so that
 * shutdown can {@link #stopAccepting() stop it accepting}. Threads are named as Tomcat
 * names its own ({@code http-nio-8080-exec-1}).
 * <p>
 * Without an executor (virtual threads, where Boot installs Tomcat's own), it only keeps
 * hold of the connector.
 */
public class BusyPoolTomcatCustomizer
		implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, MainConnector, Ordered {

	/**
	 * Runs after Boot's {@code TomcatWebServerFactoryCustomizer} (order 0), like Boot's
	 * own executor customizer.
	 */
	public static final int ORDER = 1;

	private static final Log logger = LogFactory.getLog(BusyPoolTomcatCustomizer.class);

	private final BusyPoolExecutor executor;

	private final AtomicBoolean installed = new AtomicBoolean();

	private volatile ProtocolHandler handler;

	/**
	 * Creates a customizer.
	 * @param executor the executor to install, or {@code null} to keep the connector's
	 */
	public BusyPoolTomcatCustomizer(BusyPoolExecutor executor) {
		this.executor = executor;
	}

	/**
	 * How long Tomcat waits, when the web server stops, for servlets still running a
	 * request before it unloads them (Tomcat's default: 2 s): by then Boot's graceful
	 * shutdown has given them their time, and the pool ends what is left (see
	 * {@link BusyPoolExecutor}), so that the whole shutdown fits in the drain, the phase
	 * and 2 s.
	 */
	static final long UNLOAD_DELAY_MILLIS = 500;

	@Override
	public void customize(ConfigurableTomcatWebServerFactory factory) {
		factory.addProtocolHandlerCustomizers(this::install);
		if (factory instanceof org.springframework.boot.tomcat.TomcatWebServerFactory tomcat) {
			tomcat.addContextCustomizers((context) -> {
				if (context instanceof org.apache.catalina.core.StandardContext standard
						&& standard.getUnloadDelay() > UNLOAD_DELAY_MILLIS) {
					standard.setUnloadDelay(UNLOAD_DELAY_MILLIS);
				}
			});
		}
	}

	private void install(ProtocolHandler handler) {
		if (!this.installed.compareAndSet(false, true)) {
			if (this.executor == null) {
				return;
			}
			logger.warn("The busy-pool executor is already installed; " + handler
					+ " keeps an executor of its own and is not tracked");
			return;
		}
		if (this.executor != null) {
			this.executor.start(threadNamePrefix(handler));
			handler.setExecutor(this.executor);
		}
		this.handler = handler;
	}

	/**
	 * Closes the server socket of the connector that runs on the pool, so that it accepts
	 * no new connection, without pausing it: unlike a paused connector, it still reads and
	 * serves the requests of the connections it has. Boot's graceful shutdown, which
	 * pauses it, does the same close later; a second close does nothing.
	 */
	@Override
	public void stopAccepting() {
		ProtocolHandler handler = this.handler;
		if (handler != null) {
			try {
				handler.closeServerSocketGraceful();
			}
			catch (RuntimeException ex) {
				logger.warn("busy-pool: could not stop " + handler + " accepting: " + ex);
			}
		}
	}

	private static String threadNamePrefix(ProtocolHandler handler) {
		if (handler instanceof AbstractProtocol<?> protocol) {
			// getName() is quoted for use in JMX names: "http-nio-8080"
			return protocol.getName().replace("\"", "") + "-exec-";
		}
		return "http-exec-";
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}

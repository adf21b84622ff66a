package io.github.busypool.tomcat;

import java.net.InetAddress;

import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.AbstractHttp11Protocol;

import org.springframework.boot.tomcat.ConnectorStartFailedException;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import io.github.busypool.check.CheckPort;

/**
 * Adds a dedicated check connector to Tomcat: a second port with its own tiny executor,
 * so that a load balancer's check never waits behind user requests. What it serves is up
 * to the check filter, which answers the check there and a small 404 for anything else.
 * <p>
 * The connector shares the web application with the main port but no threads, no queue
 * and no connection limit with it.
 * <p>
 * Slow or idle clients cannot starve it: Tomcat's NIO connector parses headers without
 * holding a thread, so a connection that sends its headers a byte at a time, or sits idle
 * between keep-alive checks, costs a few kilobytes of buffers and none of the two threads.
 * It keeps up to {@code busy-pool.check.max-connections} (2,048) connections (small buffers, 4 KB of
 * headers at most), closes one that stalls for {@link #TIMEOUT_MILLIS}, and so a probe is
 * answered at once while a thousand such clients are connected. A client that opens more
 * than that can still fill it, as any listener can be filled: the port is meant for the
 * load balancers only (see docs/OPERATIONS.md, Security).
 */
public class BusyPoolCheckConnector
		implements WebServerFactoryCustomizer<TomcatWebServerFactory>, CheckPort, Ordered {

	/** Threads of the check connector's own executor. */
	static final int THREADS = 2;

	/** Connections waiting in the kernel's backlog, at most. */
	static final int ACCEPT_COUNT = 512;

	/** Stalled or idle connections are closed after this long, in milliseconds. */
	static final int TIMEOUT_MILLIS = 2_000;

	/** A check's headers are small; HAProxy's with send-state take about 200 bytes. */
	static final int MAX_HEADER_BYTES = 4096;

	/** Socket buffers per connection, each way. */
	static final int BUFFER_BYTES = 1024;

	private final Connector connector;

	private volatile int localPort = -1;

	/**
	 * Creates the connector.
	 * @param port the port, or 0 for a free one
	 * @param maxConnections the connections it keeps open at most
	 */
	public BusyPoolCheckConnector(int port, int maxConnections) {
		Connector connector = new CheckPortConnector();
		connector.setPort(port);
		if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> protocol) {
			protocol.setMaxThreads(THREADS);
			protocol.setMinSpareThreads(1);
			protocol.setMaxConnections(maxConnections);
			protocol.setAcceptCount(ACCEPT_COUNT);
			protocol.setConnectionTimeout(TIMEOUT_MILLIS);
			protocol.setKeepAliveTimeout(TIMEOUT_MILLIS);
			protocol.setMaxKeepAliveRequests(100);
			protocol.setMaxHttpHeaderSize(MAX_HEADER_BYTES);
			protocol.setMaxSwallowSize(0);
			protocol.setMaxTrailerSize(0);
		}
		connector.setProperty("socket.appReadBufSize", Integer.toString(BUFFER_BYTES));
		connector.setProperty("socket.appWriteBufSize", Integer.toString(BUFFER_BYTES));
		this.connector = connector;
	}

	@Override
	public void customize(TomcatWebServerFactory factory) {
		InetAddress address = factory.getAddress();
		if (address != null && this.connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> protocol) {
			protocol.setAddress(address);
		}
		factory.addAdditionalConnectors(this.connector);
	}

	/**
	 * Whether a request arrived on the check connector.
	 * @param requestLocalPort the local port of the request
	 * @return whether it is the check connector's port
	 */
	@Override
	public boolean serves(int requestLocalPort) {
		return requestLocalPort == getPort();
	}

	/**
	 * Returns the port the connector listens on, once started (the configured one
	 * before, -1 when it is 0).
	 * @return the port
	 */
	@Override
	public int getPort() {
		int port = this.localPort;
		if (port > 0) {
			return port;
		}
		port = this.connector.getLocalPort();
		if (port > 0) {
			this.localPort = port;
			return port;
		}
		int configured = this.connector.getPort();
		return (configured > 0) ? configured : -1;
	}

	/**
	 * Returns the Tomcat connector.
	 * @return the connector
	 */
	public Connector getConnector() {
		return this.connector;
	}

	@Override
	public int getOrder() {
		return BusyPoolTomcatCustomizer.ORDER;
	}

	/**
	 * A connector whose failure to start (its port in use, say) is reported as the check
	 * port's. Thrown as is, with Boot's {@code throwOnFailure} as Boot sets on its own
	 * connector, a bind failure would be reported as the main port's (Boot names the main
	 * connector's port for any {@code BindException}); left to Tomcat, it would be logged
	 * with a stack trace. Instead the cause is logged in one line, and the failure is thrown
	 * as a {@code ConnectorStartFailedException} with this port, which
	 * {@code CheckPortFailureAnalyzer} reports naming {@code busy-pool.check.port}.
	 */
	private static final class CheckPortConnector extends Connector {

		private static final Log logger = LogFactory.getLog(BusyPoolCheckConnector.class);

		CheckPortConnector() {
			super(TomcatWebServerFactory.DEFAULT_PROTOCOL);
			setThrowOnFailure(true);
		}

		@Override
		protected void startInternal() throws LifecycleException {
			try {
				super.startInternal();
			}
			catch (LifecycleException ex) {
				Throwable cause = ex;
				while (cause.getCause() != null) {
					cause = cause.getCause();
				}
				logger.warn("busy-pool's check connector could not start on port " + getPort() + ": " + cause);
				throw new LifecycleException("busy-pool's check connector could not start",
						new ConnectorStartFailedException(getPort()));
			}
		}

	}

}

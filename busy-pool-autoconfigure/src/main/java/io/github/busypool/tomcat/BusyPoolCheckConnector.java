package io.github.busypool.tomcat;

import java.net.InetAddress;

import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;

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
 */
public class BusyPoolCheckConnector
		implements WebServerFactoryCustomizer<TomcatWebServerFactory>, CheckPort, Ordered {

	/** Threads of the check connector's own executor. */
	static final int THREADS = 2;

	/** Connections the check connector keeps open at most; more wait in the backlog. */
	static final int MAX_CONNECTIONS = 64;

	/** Idle connections are closed after this long, in milliseconds. */
	static final int TIMEOUT_MILLIS = 5_000;

	private final Connector connector;

	private volatile int localPort = -1;

	/**
	 * Creates the connector.
	 * @param port the port, or 0 for a free one
	 */
	public BusyPoolCheckConnector(int port) {
		Connector connector = new Connector(TomcatWebServerFactory.DEFAULT_PROTOCOL);
		connector.setPort(port);
		if (connector.getProtocolHandler() instanceof AbstractHttp11Protocol<?> protocol) {
			protocol.setMaxThreads(THREADS);
			protocol.setMinSpareThreads(1);
			protocol.setMaxConnections(MAX_CONNECTIONS);
			protocol.setAcceptCount(MAX_CONNECTIONS);
			protocol.setConnectionTimeout(TIMEOUT_MILLIS);
			protocol.setKeepAliveTimeout(TIMEOUT_MILLIS);
			protocol.setMaxKeepAliveRequests(100);
			protocol.setMaxHttpHeaderSize(8192);
			protocol.setMaxSwallowSize(0);
		}
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

}

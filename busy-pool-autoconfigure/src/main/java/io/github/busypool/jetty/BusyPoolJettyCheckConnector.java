package io.github.busypool.jetty;

import java.net.InetAddress;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import org.springframework.boot.jetty.JettyWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

import io.github.busypool.check.CheckPort;

/**
 * Adds a dedicated check connector to Jetty: a second port with a small thread pool of its
 * own, so that a load balancer's check never waits behind user requests. What it serves is
 * up to the check filter, which answers the check there and a small 404 for anything else.
 * <p>
 * Like the Tomcat one: it keeps up to {@code busy-pool.check.max-connections} connections,
 * closes one that stalls for {@link #TIMEOUT_MILLIS}, and takes 4 KB of headers at most.
 * Jetty reads headers without holding a thread, so slow clients cost buffers, not threads.
 */
public class BusyPoolJettyCheckConnector
		implements WebServerFactoryCustomizer<JettyWebServerFactory>, CheckPort, Ordered {

	/** The connector's name, which tells it from the main one. */
	static final String NAME = "busy-pool-check";

	/** One acceptor, one selector, and two threads that answer. */
	static final int THREADS = 4;

	static final int ACCEPT_QUEUE = 512;

	static final int TIMEOUT_MILLIS = 2_000;

	static final int MAX_HEADER_BYTES = 4096;

	private final int port;

	private final int maxConnections;

	private volatile ServerConnector connector;

	/**
	 * Creates the connector.
	 * @param port the port, or 0 for a free one
	 * @param maxConnections the connections it keeps open at most
	 */
	public BusyPoolJettyCheckConnector(int port, int maxConnections) {
		this.port = port;
		this.maxConnections = maxConnections;
	}

	@Override
	public void customize(JettyWebServerFactory factory) {
		InetAddress address = factory.getAddress();
		factory.addServerCustomizers((server) -> add(server, address));
	}

	private void add(Server server, InetAddress address) {
		QueuedThreadPool threads = new QueuedThreadPool(THREADS, THREADS);
		threads.setName("busy-pool-check");
		threads.setReservedThreads(0);
		HttpConfiguration http = new HttpConfiguration();
		http.setRequestHeaderSize(MAX_HEADER_BYTES);
		http.setSendServerVersion(false);
		ServerConnector connector = new ServerConnector(server, threads, null, null, 1, 1,
				new HttpConnectionFactory(http));
		connector.setName(NAME);
		connector.setPort(this.port);
		if (address != null) {
			connector.setHost(address.getHostAddress());
		}
		connector.setIdleTimeout(TIMEOUT_MILLIS);
		connector.setAcceptQueueSize(ACCEPT_QUEUE);
		connector.addBean(new NetworkConnectionLimit(this.maxConnections, connector));
		server.addConnector(connector);
		this.connector = connector;
	}

	@Override
	public boolean serves(int requestLocalPort) {
		return requestLocalPort == getPort();
	}

	/**
	 * Returns the port the connector listens on, once started (the configured one before,
	 * -1 when it is 0).
	 * @return the port
	 */
	@Override
	public int getPort() {
		ServerConnector connector = this.connector;
		int local = (connector != null) ? connector.getLocalPort() : -1;
		if (local > 0) {
			return local;
		}
		return (this.port > 0) ? this.port : -1;
	}

	@Override
	public int getOrder() {
		return BusyPoolJettyCustomizer.ORDER;
	}

}

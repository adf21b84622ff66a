package io.github.busypool.tomcat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.apache.coyote.AbstractProtocol;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@link BusyPoolTomcatIntegrationTests.TestApplication} on free ports of 127.0.0.1, with 4
 * threads, and an HTTP client for it. Closing it releases the held requests first.
 */
final class RunningApp implements AutoCloseable {

	static final Duration WAIT = Duration.ofSeconds(20);

	final ConfigurableApplicationContext context;

	private final HttpClient client = HttpClient.newHttpClient();

	private final BusyPoolTomcatIntegrationTests.Holds holds;

	RunningApp(String... properties) {
		this.context = new SpringApplicationBuilder(BusyPoolTomcatIntegrationTests.TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "server.tomcat.threads.max=4",
					"spring.main.banner-mode=off")
			.properties(properties)
			.run();
		// Kept: once closing has begun, the context hands out no beans.
		this.holds = bean(BusyPoolTomcatIntegrationTests.Holds.class);
	}

	/** Lets every held {@code /hold} request of this app finish. */
	void release() {
		this.holds.release();
	}

	<T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	int mainPort() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	/**
	 * Returns the connections the main connector holds open: each request sent has one
	 * once it has connected, whether it runs, waits in the pool's queue, or is still being
	 * read.
	 */
	long mainConnections() {
		TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) this.context).getWebServer();
		return ((AbstractProtocol<?>) server.getTomcat().getConnector().getProtocolHandler()).getConnectionCount();
	}

	int checkPort() {
		return bean(BusyPoolCheckConnector.class).getPort();
	}

	HttpResponse<String> get(int port, String path) throws Exception {
		return send(request(port, path).build());
	}

	CompletableFuture<HttpResponse<String>> getAsync(int port, String path) {
		return this.client.sendAsync(request(port, path).build(), BodyHandlers.ofString());
	}

	HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.client.send(request, BodyHandlers.ofString());
	}

	static HttpRequest.Builder request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT);
	}

	/** Releases the held requests and closes the context; closing twice is harmless. */
	@Override
	public void close() {
		release();
		this.context.close();
	}

}

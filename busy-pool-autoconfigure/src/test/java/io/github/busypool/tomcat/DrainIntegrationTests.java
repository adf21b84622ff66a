package io.github.busypool.tomcat;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyState;
import io.github.busypool.agent.BusyPoolAgent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutting down with {@code busy-pool.shutdown.drain-delay}: checks say draining while the
 * web server still serves, and requests in flight complete.
 */
class DrainIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient client = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@BeforeEach
	void newRelease() {
		BusyPoolTomcatIntegrationTests.release = new CountDownLatch(1);
	}

	@AfterEach
	void close() {
		BusyPoolTomcatIntegrationTests.release.countDown();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void duringTheDelayChecksSayDrainingAndRequestsInFlightComplete() throws Exception {
		this.context = start("busy-pool.shutdown.drain-delay=3s");
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		int main = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		int check = this.context.getBean(BusyPoolCheckConnector.class).getPort();
		int agent = this.context.getBean(BusyPoolAgent.class).getPort();
		assertThat(agentReply(agent)).startsWith("ready up ");
		CompletableFuture<HttpResponse<String>> inFlight = this.client.sendAsync(request(main, "/hold"),
				BodyHandlers.ofString());
		await().atMost(WAIT).until(() -> executor.getActiveCount() == 1);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(() -> executor.getState() == BusyState.DRAINING);
		HttpResponse<String> filter = get(main, "/busy-pool/check");
		assertThat(filter.statusCode()).isEqualTo(503);
		assertThat(filter.body()).isEqualTo("draining\n");
		HttpResponse<String> port = get(check, "/busy-pool/check");
		assertThat(port.statusCode()).isEqualTo(503);
		assertThat(port.body()).isEqualTo("draining\n");
		assertThat(agentReply(agent)).isEqualTo("drain\n");
		// The web server still serves new requests during the delay.
		assertThat(get(main, "/thread").statusCode()).isEqualTo(200);
		assertThat(closing).isNotDone();
		assertThat(inFlight).isNotDone();

		BusyPoolTomcatIntegrationTests.release.countDown();
		HttpResponse<String> completed = inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(completed.statusCode()).isEqualTo(200);
		assertThat(completed.body()).isEqualTo("true");
		closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(executor.isTerminated()).isTrue();
	}

	@Test
	void requestHeldPastTheDelayStillCompletesThroughGracefulShutdown() throws Exception {
		this.context = start("busy-pool.shutdown.drain-delay=500ms");
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		int main = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		CompletableFuture<HttpResponse<String>> inFlight = this.client.sendAsync(request(main, "/hold"),
				BodyHandlers.ofString());
		await().atMost(WAIT).until(() -> executor.getActiveCount() == 1);
		long start = System.nanoTime();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close);
		await().atMost(WAIT).until(() -> executor.getState() == BusyState.DRAINING);
		// Past the delay, graceful shutdown waits for the request.
		await().pollDelay(Duration.ofMillis(1500)).atMost(WAIT).until(() -> !closing.isDone());
		BusyPoolTomcatIntegrationTests.release.countDown();
		assertThat(inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(System.nanoTime() - start).isGreaterThan(Duration.ofMillis(1500).toNanos());
	}

	@Test
	void withoutDelayStartupAndShutdownAreAsBefore() throws Exception {
		this.context = start();
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		BusyPoolAgent agent = this.context.getBean(BusyPoolAgent.class);
		int main = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		assertThat(get(main, "/busy-pool/check").body()).isEqualTo("free\n");
		assertThat(agentReply(agent.getPort())).startsWith("ready up ");
		// Without busy-pool.agent.address, the agent and the check port bind to server.address.
		assertThat(agent.localAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
		AbstractProtocol<?> check = (AbstractProtocol<?>) this.context.getBean(BusyPoolCheckConnector.class)
			.getConnector()
			.getProtocolHandler();
		assertThat(check.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
		this.context.close();
		assertThat(executor.getState()).isEqualTo(BusyState.DRAINING);
		assertThat(executor.isTerminated()).isTrue();
		assertThat(agent.isRunning()).isFalse();
	}

	private ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(BusyPoolTomcatIntegrationTests.TestApplication.class)
			.properties("server.port=0", "busy-pool.check.port=0", "busy-pool.agent.port=0",
					"server.address=127.0.0.1", "server.tomcat.threads.max=4", "spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	private static String agentReply(int port) throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(5000);
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
		}
	}

	private HttpResponse<String> get(int port, String path) throws Exception {
		return this.client.send(request(port, path), BodyHandlers.ofString());
	}

	private static HttpRequest request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build();
	}

}

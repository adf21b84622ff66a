package io.github.busypool.limit;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.tomcat.BusyPoolCheckConnector;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * busy-pool on Tomcat with virtual threads: Boot's virtual-thread executor stays, and a
 * concurrency limit of {@code server.tomcat.threads.max} permits is the pool.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient client = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.getBean(HoldController.class).release.countDown();
			this.context.close();
		}
	}

	@Test
	void requestsRunOnVirtualThreadsAtMostThreadsMaxAtOnceAndChecksNeverWait() throws Exception {
		int managementPort = freePort();
		this.context = new SpringApplicationBuilder(VirtualThreadsApplication.class)
			.properties("spring.threads.virtual.enabled=true", "server.port=0", "server.address=127.0.0.1",
					"server.tomcat.threads.max=4", "busy-pool.check.port=0", "busy-pool.agent.port=0",
					"busy-pool.agent.address=127.0.0.1", "management.endpoint.health.show-details=always",
					// Actuator on the main port waits for a permit like any request.
					"management.server.port=" + managementPort, "management.server.address=127.0.0.1",
					"spring.main.banner-mode=off")
			.run();
		BusyPool pool = this.context.getBean(BusyPool.class);
		assertThat(pool).isInstanceOf(ConcurrencyLimit.class);
		assertThat(this.context.getBeansOfType(BusyPoolExecutor.class)).isEmpty();
		TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) this.context).getWebServer();
		AbstractProtocol<?> protocol = (AbstractProtocol<?>) server.getTomcat().getConnector().getProtocolHandler();
		assertThat(protocol.getExecutor().getClass().getSimpleName()).isEqualTo("VirtualThreadExecutor");
		int port = server.getPort();
		int checkPort = this.context.getBean(BusyPoolCheckConnector.class).getPort();
		HoldController holds = this.context.getBean(HoldController.class);

		assertThat(send(port, "OPTIONS", "/").body()).isEqualTo("free\n");
		assertThat(agent()).startsWith("ready up").contains("maxconn:4");

		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			held.add(sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> holds.running.get() == 4);
		assertThat(pool.getState()).isEqualTo(BusyState.FREE);
		for (int i = 0; i < 2; i++) {
			held.add(sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> pool.snapshot().queued() == 2);
		assertThat(pool.getState()).isEqualTo(BusyState.BUSY);
		assertThat(holds.running).hasValue(4);
		// Checks say busy once it has stood for 100 ms (StandingState).
		await().atMost(WAIT).until(() -> stoodBusy(pool));

		// Every way of asking is answered at once, though the limit is full.
		HttpResponse<String> check = send(port, "OPTIONS", "/");
		assertThat(check.statusCode()).isEqualTo(503);
		assertThat(check.body()).isEqualTo("busy\n");
		assertThat(send(checkPort, "GET", "/busy-pool/check").body()).isEqualTo("busy\n");
		assertThat(agent()).startsWith("ready up 1%");
		HttpResponse<String> health = send(managementPort, "GET", "/actuator/health/busyPool");
		assertThat(health.body()).contains("\"status\":\"OUT_OF_SERVICE\"", "\"activeThreads\":4",
				"\"idleThreads\":0", "\"queued\":2", "\"maxThreads\":4");

		holds.release.countDown();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			HttpResponse<String> done = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(done.statusCode()).isEqualTo(200);
			assertThat(done.body()).isEqualTo("virtual");
		}
		assertThat(holds.mostRunning).hasValue(4);
		await().atMost(WAIT).until(() -> pool.getState() == BusyState.FREE);
		assertThat(pool.getTransitionCount(BusyState.BUSY)).isEqualTo(1);
	}

	private static int freePort() throws Exception {
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
				java.net.InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

	private String agent() throws Exception {
		int port = this.context.getBean(BusyPoolAgent.class).getPort();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(2000);
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
		}
	}

	private HttpResponse<String> send(int port, String method, String path) throws Exception {
		return this.client.send(request(port, method, path), BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> sendAsync(int port, String path) {
		return this.client.sendAsync(request(port, "GET", path), BodyHandlers.ofString());
	}

	private static HttpRequest request(int port, String method, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(WAIT)
			.build();
	}

	@SpringBootApplication
	@Import(HoldController.class)
	static class VirtualThreadsApplication {

	}

	@RestController
	static class HoldController {

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger mostRunning = new AtomicInteger();

		@GetMapping("/hold")
		String hold() throws Exception {
			this.mostRunning.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			try {
				this.release.await(30, TimeUnit.SECONDS);
				return Thread.currentThread().toString().startsWith("VirtualThread") ? "virtual" : "platform";
			}
			finally {
				this.running.decrementAndGet();
			}
		}

	}

	/** Whether the pool has been busy for longer than the checks' 100 ms, with a margin. */
	private static boolean stoodBusy(io.github.busypool.BusyPool pool) {
		java.time.Instant since = pool.snapshot().busySince();
		return since != null && java.time.Duration.between(since, java.time.Instant.now()).toMillis() > 150;
	}

}

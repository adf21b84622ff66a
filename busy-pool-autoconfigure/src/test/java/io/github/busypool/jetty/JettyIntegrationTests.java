package io.github.busypool.jetty;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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

import org.eclipse.jetty.util.thread.ThreadPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;
import io.github.busypool.check.CheckPort;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.limit.ConcurrencyLimit;
import io.github.busypool.shed.ShedReason;
import io.github.busypool.shed.Shedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * busy-pool on a real embedded Jetty 12 (this execution has no Tomcat on its class path):
 * the same pool rule, check, check port, agent, health and shutdown as on Tomcat.
 */
class JettyIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient client = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	private int managementPort;

	@AfterEach
	void close() {
		if (this.context != null && this.context.isActive()) {
			this.context.getBean(HoldController.class).release.countDown();
			this.context.close();
		}
	}

	@Test
	void theServerRunsOnABusyPoolThatFlipsWhenMoreJobsWaitThanThreadsAreIdle() throws Exception {
		start();
		ThreadPool threadPool = jetty().getServer().getThreadPool();
		assertThat(threadPool).isInstanceOf(BusyQueuedThreadPool.class);
		BusyPool pool = this.context.getBean(BusyPool.class);
		assertThat(pool).isSameAs(((BusyQueuedThreadPool) threadPool).busyPool());
		HoldController holds = this.context.getBean(HoldController.class);
		int port = jetty().getPort();
		int checkPort = this.context.getBean(CheckPort.class).getPort();
		assertThat(checkPort).isPositive().isNotEqualTo(port);

		assertThat(send(port, "OPTIONS", "/").body()).isEqualTo("free\n");
		assertThat(send(checkPort, "GET", "/busy-pool/check").body()).isEqualTo("free\n");
		assertThat(send(checkPort, "GET", "/hold").statusCode()).isEqualTo(404);
		int threads = pool.snapshot().maxThreads();
		assertThat(agent()).startsWith("ready up").contains("maxconn:" + threads);

		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < threads + 3; i++) {
			held.add(sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> pool.getState() == BusyState.BUSY);
		await().atMost(WAIT).until(() -> pool.snapshot().queued() >= 1);
		assertThat(holds.mostRunning.get()).isLessThanOrEqualTo(threads);
		// Checks say busy once it has stood for 100 ms (StandingState).
		await().atMost(WAIT).until(() -> stoodBusy(pool));

		// The check port and the agent answer at once, though every pool thread is held.
		HttpResponse<String> check = send(checkPort, "GET", "/busy-pool/check");
		assertThat(check.statusCode()).isEqualTo(503);
		assertThat(check.body()).isEqualTo("busy\n");
		assertThat(agent()).startsWith("ready up 1%");
		String health = send(this.managementPort, "GET", "/actuator/health/busyPool").body();
		assertThat(health).contains("\"status\":\"OUT_OF_SERVICE\"", "\"idleThreads\":0",
				"\"maxThreads\":" + threads);

		holds.release.countDown();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> pool.getState() == BusyState.FREE);
		assertThat(pool.snapshot().queued()).isZero();
		assertThat(pool.getTransitionCount(BusyState.BUSY)).isGreaterThanOrEqualTo(1);
		assertThat(pool.getTransitionCount(BusyState.FREE)).isEqualTo(pool.getTransitionCount(BusyState.BUSY));
	}

	@Test
	void queuedRequestsAreServedBeforeTheWebServerStops() throws Exception {
		start("busy-pool.shutdown.drain-delay=200ms");
		BusyPool pool = this.context.getBean(BusyPool.class);
		Shedder shedder = this.context.getBean(Shedder.class);
		int threads = pool.snapshot().maxThreads();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < threads * 3; i++) {
			responses.add(sendAsync(jetty().getPort(), "/sleep?ms=400"));
		}
		await().atMost(WAIT).until(() -> pool.snapshot().queued() >= threads);

		this.context.close();

		for (CompletableFuture<HttpResponse<String>> response : responses) {
			HttpResponse<String> each = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(each.statusCode()).isEqualTo(200);
			assertThat(each.body()).isEqualTo("slept");
		}
		assertThat(shedder.count(ShedReason.SHUTDOWN)).isZero();
		assertThat(pool.getState()).isEqualTo(BusyState.DRAINING);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void withVirtualThreadsAConcurrencyLimitOfThreadsMaxIsThePool() throws Exception {
		start("spring.threads.virtual.enabled=true");
		BusyPool pool = this.context.getBean(BusyPool.class);
		assertThat(pool).isInstanceOf(ConcurrencyLimit.class);
		assertThat(pool.snapshot().maxThreads()).isEqualTo(10);
		HoldController holds = this.context.getBean(HoldController.class);
		int port = jetty().getPort();
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			held.add(sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> pool.snapshot().queued() == 2);
		assertThat(pool.getState()).isEqualTo(BusyState.BUSY);
		assertThat(holds.running).hasValue(10);
		// Checks say busy once it has stood for 100 ms (StandingState).
		await().atMost(WAIT).until(() -> stoodBusy(pool));
		// The check on the main port does not wait for a permit.
		assertThat(send(port, "OPTIONS", "/").body()).isEqualTo("busy\n");
		holds.release.countDown();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> pool.getState() == BusyState.FREE);
	}

	private void start(String... extra) throws Exception {
		this.managementPort = freePort();
		this.context = new SpringApplicationBuilder(JettyApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "server.jetty.threads.max=10",
					"server.jetty.threads.min=10", "busy-pool.check.port=0", "busy-pool.agent.port=0",
					"busy-pool.agent.address=127.0.0.1", "management.endpoint.health.show-details=always",
					"management.server.port=" + this.managementPort, "management.server.address=127.0.0.1",
					"spring.main.banner-mode=off")
			.properties(extra)
			.run();
	}

	private JettyWebServer jetty() {
		return (JettyWebServer) ((WebServerApplicationContext) this.context).getWebServer();
	}

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
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
	static class JettyApplication {

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
				return "held";
			}
			finally {
				this.running.decrementAndGet();
			}
		}

		@GetMapping("/sleep")
		String sleep(@RequestParam long ms) throws Exception {
			Thread.sleep(ms);
			return "slept";
		}

	}

	/** Whether the pool has been busy for longer than the checks' 100 ms, with a margin. */
	private static boolean stoodBusy(io.github.busypool.BusyPool pool) {
		java.time.Instant since = pool.snapshot().busySince();
		return since != null && java.time.Duration.between(since, java.time.Instant.now()).toMillis() > 150;
	}

}

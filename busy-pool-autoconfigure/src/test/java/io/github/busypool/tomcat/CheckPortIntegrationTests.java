package io.github.busypool.tomcat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dedicated check connector of a real embedded Tomcat.
 */
class CheckPortIntegrationTests {

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
	void checkPortAnswersBusyAtOnceWhileEveryThreadIsHeldAndTheQueueIsLong() throws Exception {
		this.context = start();
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		int threads = executor.getMaximumPoolSize();
		int requests = threads * 11;
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			held.add(this.client.sendAsync(request(mainPort(), "/hold"), BodyHandlers.ofString()));
		}
		await().atMost(WAIT).until(() -> executor.getActiveCount() == threads);
		await().atMost(WAIT).until(() -> executor.getQueueSize() >= 10 * threads);
		assertThat(executor.getState()).isEqualTo(BusyState.BUSY);

		long start = System.nanoTime();
		HttpResponse<String> check = get(checkPort(), "/busy-pool/check");
		long nanos = System.nanoTime() - start;
		System.out.printf("check port under saturation (%d threads held, %d queued): %.2f ms%n", threads,
				executor.getQueueSize(), nanos / 1e6);
		assertThat(check.statusCode()).isEqualTo(503);
		assertThat(check.body()).isEqualTo("busy\n");
		assertThat(check.headers().firstValue("Cache-Control")).hasValue("no-store");
		// The answer came while every held request still waits: it did not queue behind them.
		assertThat(held).noneMatch(CompletableFuture::isDone);
		assertThat(executor.getQueueSize()).isGreaterThanOrEqualTo(10 * threads);

		BusyPoolTomcatIntegrationTests.release.countDown();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> executor.getState() == BusyState.FREE);
		HttpResponse<String> free = get(checkPort(), "/busy-pool/check");
		assertThat(free.statusCode()).isEqualTo(200);
		assertThat(free.body()).isEqualTo("free\n");
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		assertThat(registry.get("busypool.checks").tags("via", "port", "answer", "busy").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("busypool.checks").tags("via", "port", "answer", "free").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("busypool.checks").tags("via", "filter", "answer", "free").functionCounter().count())
			.isZero();
	}

	@Test
	void checkPortServesNothingButTheCheck() throws Exception {
		this.context = start();
		for (String path : List.of("/thread", "/hold", "/actuator/health", "/actuator", "/nope", "/",
				"/busy-pool/check/x", "/busy-pool/checkx", "/thread;busy-pool/check", "/thread?busy-pool/check")) {
			HttpResponse<String> response = get(checkPort(), path);
			assertThat(response.statusCode()).as(path).isEqualTo(404);
			assertThat(response.body()).as(path).isEqualTo("not found\n");
			assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("text/plain");
		}
		// Tomcat refuses this before any filter; it does not reach the application either.
		HttpResponse<String> dots = get(checkPort(), "/%2e%2e/thread");
		assertThat(dots.statusCode()).isEqualTo(400);
		assertThat(dots.body()).doesNotContain("exec").doesNotContain("Exception");
		HttpResponse<String> post = this.client.send(HttpRequest.newBuilder(uri(checkPort(), "/busy-pool/check"))
			.POST(HttpRequest.BodyPublishers.ofString("x".repeat(10_000)))
			.timeout(WAIT)
			.build(), BodyHandlers.ofString());
		assertThat(post.statusCode()).isEqualTo(405);
		HttpResponse<String> options = this.client.send(HttpRequest.newBuilder(uri(checkPort(), "/"))
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.timeout(WAIT)
			.build(), BodyHandlers.ofString());
		assertThat(options.statusCode()).isEqualTo(200);
		assertThat(options.body()).isEqualTo("free\n");
		// The main port still serves the application.
		assertThat(get(mainPort(), "/thread").statusCode()).isEqualTo(200);
		assertThat(get(mainPort(), "/actuator/health").statusCode()).isEqualTo(200);
	}

	@Test
	void haproxysViewOfTheServerBecomesGaugesAndHostileHeadersAreIgnored() throws Exception {
		this.context = start();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		for (String hostile : List.of("UP; node=lb1; weight=x/2; scur=1/2; qcur=0", "UP".repeat(400),
				"UP; node=../../etc; weight=1/2; scur=1/2; qcur=0", "DOWN; node=lb1", "\u00ff\u00fe")) {
			HttpResponse<String> check = this.client.send(HttpRequest.newBuilder(uri(checkPort(), "/busy-pool/check"))
				.header("X-Haproxy-Server-State", hostile)
				.timeout(WAIT)
				.build(), BodyHandlers.ofString());
			assertThat(check.statusCode()).as(hostile).isEqualTo(200);
		}
		assertThat(registry.find("busypool.haproxy.up").gauges()).isEmpty();
		String state = "UP 2/3; name=app/app1; node=lb1; weight=42/100; scur=5/9; qcur=3";
		assertThat(this.client.send(HttpRequest.newBuilder(uri(checkPort(), "/busy-pool/check"))
			.header("X-Haproxy-Server-State", state)
			.timeout(WAIT)
			.build(), BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		assertThat(this.client.send(HttpRequest.newBuilder(uri(mainPort(), "/busy-pool/check"))
			.header("X-Haproxy-Server-State", state.replace("lb1", "lb2").replace("qcur=3", "qcur=0"))
			.timeout(WAIT)
			.build(), BodyHandlers.ofString()).statusCode()).isEqualTo(200);
		assertThat(registry.get("busypool.haproxy.up").tag("node", "lb1").gauge().value()).isEqualTo(1);
		assertThat(registry.get("busypool.haproxy.weight").tag("node", "lb1").gauge().value()).isEqualTo(42);
		assertThat(registry.get("busypool.haproxy.sessions").tag("node", "lb1").gauge().value()).isEqualTo(5);
		assertThat(registry.get("busypool.haproxy.queue").tag("node", "lb1").gauge().value()).isEqualTo(3);
		assertThat(registry.get("busypool.haproxy.queue").tag("node", "lb2").gauge().value()).isZero();
		assertThat(registry.find("busypool.haproxy.up").gauges()).hasSize(2);
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(BusyPoolTomcatIntegrationTests.TestApplication.class)
			.properties("server.port=0", "busy-pool.check.port=0", "server.address=127.0.0.1",
					"server.tomcat.threads.max=4", "server.tomcat.threads.min-spare=2",
					"spring.main.banner-mode=off")
			.run();
	}

	private int mainPort() {
		return ((WebServerApplicationContext) this.context).getWebServer().getPort();
	}

	private int checkPort() {
		return this.context.getBean(BusyPoolCheckConnector.class).getPort();
	}

	private HttpResponse<String> get(int port, String path) throws Exception {
		return this.client.send(request(port, path), BodyHandlers.ofString());
	}

	private static HttpRequest request(int port, String path) {
		return HttpRequest.newBuilder(uri(port, path)).timeout(WAIT).build();
	}

	private static URI uri(int port, String path) {
		return URI.create("http://127.0.0.1:" + port + path);
	}

}

package io.github.busypool.tomcat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyPools;
import io.github.busypool.BusyState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dedicated check connector of a real embedded Tomcat.
 */
class CheckPortIntegrationTests {

	private RunningApp app;

	@AfterEach
	void close() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void checkPortAnswersBusyAtOnceWhileEveryThreadIsHeldAndTheQueueIsLong() throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0", "server.tomcat.threads.min-spare=2");
		BusyPoolExecutor executor = this.app.bean(BusyPoolExecutor.class);
		int threads = executor.getMaximumPoolSize();
		int requests = threads * 11;
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < requests; i++) {
			held.add(this.app.getAsync(this.app.mainPort(), "/hold"));
		}
		await().atMost(RunningApp.WAIT).until(() -> executor.getActiveCount() == threads);
		await().atMost(RunningApp.WAIT).until(() -> executor.busyPool().snapshot().queued() >= 10 * threads);
		assertThat(executor.busyPool().getState()).isEqualTo(BusyState.BUSY);
		// Checks say busy once it has stood for 100 ms (StandingState).
		await().atMost(RunningApp.WAIT).until(() -> BusyPools.stoodBusy(executor.busyPool()));

		long start = System.nanoTime();
		HttpResponse<String> check = this.app.get(this.app.checkPort(), "/busy-pool/check");
		long nanos = System.nanoTime() - start;
		System.out.printf("check port under saturation (%d threads held, %d queued): %.2f ms%n", threads,
				executor.busyPool().snapshot().queued(), nanos / 1e6);
		assertThat(check.statusCode()).isEqualTo(503);
		assertThat(check.body()).isEqualTo("busy\n");
		assertThat(check.headers().firstValue("Cache-Control")).hasValue("no-store");
		// The answer came while every held request still waits: it did not queue behind them.
		assertThat(held).noneMatch(CompletableFuture::isDone);
		assertThat(executor.busyPool().snapshot().queued()).isGreaterThanOrEqualTo(10 * threads);

		this.app.release();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(RunningApp.WAIT).until(() -> executor.busyPool().getState() == BusyState.FREE);
		HttpResponse<String> free = this.app.get(this.app.checkPort(), "/busy-pool/check");
		assertThat(free.statusCode()).isEqualTo(200);
		assertThat(free.body()).isEqualTo("free\n");
		MeterRegistry registry = this.app.bean(MeterRegistry.class);
		assertThat(registry.get("busypool.checks").tags("via", "port", "answer", "busy").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("busypool.checks").tags("via", "port", "answer", "free").functionCounter().count())
			.isEqualTo(1);
		assertThat(registry.get("busypool.checks").tags("via", "filter", "answer", "free").functionCounter().count())
			.isZero();
	}

	@Test
	void checkPortServesNothingButTheCheck() throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0", "server.tomcat.threads.min-spare=2");
		for (String path : List.of("/thread", "/hold", "/actuator/health", "/actuator", "/nope", "/",
				"/busy-pool/check/x", "/busy-pool/checkx", "/thread;busy-pool/check", "/thread?busy-pool/check")) {
			HttpResponse<String> response = this.app.get(this.app.checkPort(), path);
			assertThat(response.statusCode()).as(path).isEqualTo(404);
			assertThat(response.body()).as(path).isEqualTo("not found\n");
			assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("text/plain");
		}
		// Tomcat refuses this before any filter; it does not reach the application either.
		HttpResponse<String> dots = this.app.get(this.app.checkPort(), "/%2e%2e/thread");
		assertThat(dots.statusCode()).isEqualTo(400);
		assertThat(dots.body()).doesNotContain("exec").doesNotContain("Exception");
		HttpResponse<String> post = this.app.send(RunningApp.request(this.app.checkPort(), "/busy-pool/check")
			.POST(HttpRequest.BodyPublishers.ofString("x".repeat(10_000)))
			.build());
		assertThat(post.statusCode()).isEqualTo(405);
		HttpResponse<String> options = this.app.send(RunningApp.request(this.app.checkPort(), "/")
			.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
			.build());
		assertThat(options.statusCode()).isEqualTo(200);
		assertThat(options.body()).isEqualTo("free\n");
		// The main port still serves the application.
		assertThat(this.app.get(this.app.mainPort(), "/thread").statusCode()).isEqualTo(200);
		assertThat(this.app.get(this.app.mainPort(), "/actuator/health").statusCode()).isEqualTo(200);
	}

	@Test
	void haproxysViewOfTheServerBecomesGaugesAndHostileHeadersAreIgnored() throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0", "server.tomcat.threads.min-spare=2");
		MeterRegistry registry = this.app.bean(MeterRegistry.class);
		for (String hostile : List.of("UP; node=lb1; weight=x/2; scur=1/2; qcur=0", "UP".repeat(400),
				"UP; node=../../etc; weight=1/2; scur=1/2; qcur=0", "DOWN; node=lb1", "\u00ff\u00fe")) {
			HttpResponse<String> check = this.app.send(RunningApp.request(this.app.checkPort(), "/busy-pool/check")
				.header("X-Haproxy-Server-State", hostile)
				.build());
			assertThat(check.statusCode()).as(hostile).isEqualTo(200);
		}
		assertThat(registry.find("busypool.haproxy.up").gauges()).isEmpty();
		String state = "UP 2/3; name=app/app1; node=lb1; weight=42/100; scur=5/9; qcur=3";
		assertThat(this.app.send(RunningApp.request(this.app.checkPort(), "/busy-pool/check")
			.header("X-Haproxy-Server-State", state)
			.build()).statusCode()).isEqualTo(200);
		assertThat(this.app.send(RunningApp.request(this.app.mainPort(), "/busy-pool/check")
			.header("X-Haproxy-Server-State", state.replace("lb1", "lb2").replace("qcur=3", "qcur=0"))
			.build()).statusCode()).isEqualTo(200);
		// Registered off the check thread, in order: wait for the second node's.
		await().atMost(RunningApp.WAIT).until(() -> registry.find("busypool.haproxy.up").gauges().size() == 2);
		assertThat(registry.get("busypool.haproxy.up").tag("node", "lb1").gauge().value()).isEqualTo(1);
		assertThat(registry.get("busypool.haproxy.weight").tag("node", "lb1").gauge().value()).isEqualTo(42);
		assertThat(registry.get("busypool.haproxy.sessions").tag("node", "lb1").gauge().value()).isEqualTo(5);
		assertThat(registry.get("busypool.haproxy.queue").tag("node", "lb1").gauge().value()).isEqualTo(3);
		assertThat(registry.get("busypool.haproxy.queue").tag("node", "lb2").gauge().value()).isZero();
	}

}

package io.github.busypool.jetty;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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

import io.github.busypool.BusyPool;
import io.github.busypool.BusyPools;
import io.github.busypool.HoldController;
import io.github.busypool.LoopbackClient;
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

	private final LoopbackClient http = new LoopbackClient();

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
		// Sized as Boot sizes its own pool: min from server.jetty.threads.min, the idle
		// timeout Boot's default.
		assertThat(((BusyQueuedThreadPool) threadPool).getMinThreads()).isEqualTo(10);
		assertThat(((BusyQueuedThreadPool) threadPool).getIdleTimeout()).isEqualTo(60_000);
		BusyPool pool = this.context.getBean(BusyPool.class);
		assertThat(pool).isSameAs(((BusyQueuedThreadPool) threadPool).busyPool());
		HoldController holds = this.context.getBean(HoldController.class);
		int port = jetty().getPort();
		int checkPort = this.context.getBean(CheckPort.class).getPort();
		assertThat(checkPort).isPositive().isNotEqualTo(port);

		assertThat(this.http.send(port, "OPTIONS", "/").body()).isEqualTo("free\n");
		assertThat(this.http.send(checkPort, "GET", "/busy-pool/check").body()).isEqualTo("free\n");
		assertThat(this.http.send(checkPort, "GET", "/hold").statusCode()).isEqualTo(404);
		int threads = pool.snapshot().maxThreads();
		assertThat(LoopbackClient.agent(this.context.getBean(BusyPoolAgent.class).getPort())).startsWith("ready up").contains("maxconn:" + threads);

		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < threads + 3; i++) {
			held.add(this.http.sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> pool.getState() == BusyState.BUSY);
		await().atMost(WAIT).until(() -> pool.snapshot().queued() >= 1);
		assertThat(holds.mostRunning.get()).isLessThanOrEqualTo(threads);
		// Checks say busy once it has stood for 100 ms (StandingState).
		await().atMost(WAIT).until(() -> BusyPools.stoodBusy(pool));

		// The check port and the agent answer at once, though every pool thread is held.
		HttpResponse<String> check = this.http.send(checkPort, "GET", "/busy-pool/check");
		assertThat(check.statusCode()).isEqualTo(503);
		assertThat(check.body()).isEqualTo("busy\n");
		assertThat(LoopbackClient.agent(this.context.getBean(BusyPoolAgent.class).getPort())).startsWith("ready up 1%");
		String health = this.http.send(this.managementPort, "GET", "/actuator/health/busyPool").body();
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
			responses.add(this.http.sendAsync(jetty().getPort(), "/sleep?ms=400"));
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
	void aLongRequestKeepsTheShutdownWithinTheDrainThePhaseAndTwoSeconds() throws Exception {
		Duration phase = Duration.ofSeconds(2);
		Duration drain = Duration.ofMillis(500);
		start("spring.lifecycle.timeout-per-shutdown-phase=" + phase.toMillis() + "ms",
				"busy-pool.shutdown.drain-delay=" + drain.toMillis() + "ms");
		BusyPool pool = this.context.getBean(BusyPool.class);
		int threads = pool.snapshot().maxThreads();
		List<CompletableFuture<HttpResponse<String>>> longOnes = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			longOnes.add(this.http.sendAsync(jetty().getPort(), "/sleep?ms=20000"));
		}
		await().atMost(WAIT).until(() -> pool.snapshot().activeThreads() == threads);
		List<CompletableFuture<HttpResponse<String>>> queued = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			queued.add(this.http.sendAsync(jetty().getPort(), "/sleep?ms=1"));
		}
		// On Jetty a queued job here is an accepted connection whose end point waits for a
		// thread to be made: every request has connected.
		await().atMost(WAIT).until(() -> pool.snapshot().queued() == 3);
		// Asked on the check port, which never waits behind requests: watched, so the
		// drain is taken.
		int checkPort = this.context.getBean(CheckPort.class).getPort();
		assertThat(this.http.send(checkPort, "GET", "/busy-pool/check").body()).isIn("free\n", "busy\n");

		long start = System.nanoTime();
		this.context.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		Duration budget = drain.plus(phase).plus(Duration.ofSeconds(2));
		System.out.printf("Jetty shutdown (%d long requests, 3 queued): %d ms; budget %d ms%n", threads,
				took.toMillis(), budget.toMillis());
		assertThat(took).isLessThan(budget);
		for (CompletableFuture<HttpResponse<String>> response : queued) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		for (CompletableFuture<HttpResponse<String>> response : longOnes) {
			await().atMost(WAIT).until(response::isDone);
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void withVirtualThreadsAConcurrencyLimitOfThreadsMaxIsThePool() throws Exception {
		start("spring.threads.virtual.enabled=true");
		BusyPool pool = this.context.getBean(BusyPool.class);
		assertThat(pool).isSameAs(this.context.getBean(ConcurrencyLimit.class).busyPool());
		assertThat(pool.snapshot().maxThreads()).isEqualTo(10);
		HoldController holds = this.context.getBean(HoldController.class);
		int port = jetty().getPort();
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 12; i++) {
			held.add(this.http.sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> pool.snapshot().queued() == 2);
		assertThat(pool.getState()).isEqualTo(BusyState.BUSY);
		assertThat(holds.running).hasValue(10);
		// Checks say busy once it has stood for 100 ms (StandingState).
		await().atMost(WAIT).until(() -> BusyPools.stoodBusy(pool));
		// The check on the main port does not wait for a permit.
		assertThat(this.http.send(port, "OPTIONS", "/").body()).isEqualTo("busy\n");
		holds.release.countDown();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> pool.getState() == BusyState.FREE);
	}

	private void start(String... extra) throws Exception {
		this.managementPort = LoopbackClient.freePort();
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

	@SpringBootApplication
	@Import(HoldController.class)
	static class JettyApplication {

	}

}

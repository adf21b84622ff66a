package io.github.busypool.sample;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.busypool.BusyState;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The agent recipe, {@code haproxy/agent.cfg}, run for real: HAProxy's weight for the
 * server follows the pool (low when busy, restored when free), its maxconn is the pool's
 * thread count, and it turns to DRAIN when the app shuts down.
 */
class HaproxyAgentRecipeTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int THREADS = 4;

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void haproxyInstalled() {
		Haproxy.assumeInstalled();
	}

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.close();
		}
	}

	/** Polls often, so that the times printed are close to the truth. */
	private static ConditionFactory fast() {
		return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10)).atMost(WAIT);
	}

	@Test
	void haproxyFollowsTheAgent(@TempDir Path directory) throws Exception {
		// As command-line arguments, so that they override application.yml.
		this.context = new SpringApplicationBuilder(SampleApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--server.tomcat.threads.max=" + THREADS,
				"--server.tomcat.threads.min-spare=" + THREADS, "--busy-pool.check.port=0", "--busy-pool.agent.port=0",
				"--busy-pool.shutdown.drain-delay=5s", "--management.server.port=",
				"--management.graphite.metrics.export.enabled=false", "--sample.downstream.embedded.port=0",
				"--spring.main.banner-mode=off");
		BusyPoolExecutor pool = this.context.getBean(BusyPoolExecutor.class);
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		int agentPort = this.context.getBean(BusyPoolAgent.class).getPort();
		int front = HaproxyRecipeTests.freePort();
		try (Haproxy haproxy = Haproxy.start(HaproxyRecipeTests.AGENT_RECIPE, directory, "127.0.0.1:8000",
				"127.0.0.1:" + front, "127.0.0.1:8080", "127.0.0.1:" + port, "agent-port 8083",
				"agent-port " + agentPort, "inter 2s", "inter 200ms")) {
			await().atMost(WAIT).untilAsserted(() -> assertThat(haproxy.server("app", "app1"))
				.containsEntry("status", "UP")
				.containsEntry("weight", "100")
				.containsEntry("agent_status", "L7OK")
				// maxconn:N from the agent: the pool's thread count.
				.containsEntry("slim", String.valueOf(THREADS)));
			HttpResponse<String> home = new Http(front).get("/");
			assertThat(home.statusCode()).as(home.body()).isEqualTo(200);

			// Busy: every thread held, more waiting. HAProxy lowers the weight, keeps it up.
			Http app = new Http(port);
			List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
			for (int i = 0; i < THREADS * 3; i++) {
				held.add(app.getAsync("/sleep?ms=3000"));
			}
			await().atMost(WAIT).until(() -> pool.getState() == BusyState.BUSY);
			Instant busySince = pool.snapshot().busySince();
			long busyAt = System.nanoTime() - Duration.between(busySince, Instant.now()).toNanos();
			fast().until(() -> "1".equals(haproxy.server("app", "app1").get("weight")));
			long lowered = System.nanoTime() - busyAt;
			assertThat(haproxy.server("app", "app1")).containsEntry("status", "UP");

			// Free again: the weight climbs back, smoothed, to 100.
			for (CompletableFuture<HttpResponse<String>> response : held) {
				assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
			fast().until(() -> pool.getState() == BusyState.FREE);
			long freeAt = System.nanoTime();
			fast().until(() -> "100".equals(haproxy.server("app", "app1").get("weight")));
			long restored = System.nanoTime() - freeAt;

			// Shutdown: drain, while the app still serves during the drain delay.
			CompletableFuture<Void> closing = CompletableFuture.runAsync(this.context::close);
			long closeAt = System.nanoTime();
			fast().untilAsserted(() -> assertThat(haproxy.server("app", "app1").get("status")).startsWith("DRAIN"));
			long drained = System.nanoTime() - closeAt;
			// HAProxy sends no new request to a DRAIN server; the app still serves during the delay.
			Map<String, String> draining = haproxy.server("app", "app1");
			// Only the agent drains: the TCP check still passes.
			assertThat(draining).containsEntry("check_status", "L4OK");
			assertThat(closing).isNotDone();
			closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			System.out.printf(
					"HAProxy followed the agent (agent-inter 500ms): weight 1 %.0f ms after busy, 100 %.0f ms after "
							+ "free, DRAIN %.0f ms after close began%n",
					lowered / 1e6, restored / 1e6, drained / 1e6);
		}
	}

}

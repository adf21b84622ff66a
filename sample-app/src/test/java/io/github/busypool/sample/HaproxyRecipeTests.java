package io.github.busypool.sample;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.github.busypool.tomcat.BusyPoolCheckConnector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's HAProxy recipes, loaded into a real HAProxy in front of the sample app.
 * The agent recipe has its own test, {@link HaproxyAgentRecipeTests}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "busy-pool.check.port=0", "busy-pool.agent.port=0",
				"management.graphite.metrics.export.enabled=false", "sample.downstream.embedded.port=0",
				"management.server.port=" })
class HaproxyRecipeTests {

	static final Path RECIPE = Path.of("..", "haproxy", "httpchk.cfg");

	static final Path CHECK_PORT_RECIPE = Path.of("..", "haproxy", "check-port.cfg");

	static final Path AGENT_RECIPE = Path.of("..", "haproxy", "agent.cfg");

	@LocalServerPort
	private int port;

	@Autowired
	private HomeController home;

	@Autowired
	private MeterRegistry registry;

	@BeforeAll
	static void haproxyInstalled() {
		Haproxy.assumeInstalled();
	}

	@Autowired
	private BusyPoolCheckConnector checkConnector;

	@Test
	void recipesAreValid() throws Exception {
		for (Path recipe : List.of(RECIPE, CHECK_PORT_RECIPE, AGENT_RECIPE)) {
			assertThat(Haproxy.check(recipe)).as(recipe.toString()).startsWith("0 ");
		}
	}

	@Test
	void haproxyChecksTheCheckPortAndTellsTheAppWhatItSees(@TempDir Path directory) throws Exception {
		int front = freePort();
		long renders = this.home.renders();
		double portChecks = checks("port");
		try (Haproxy haproxy = Haproxy.start(CHECK_PORT_RECIPE, directory, "127.0.0.1:8000",
				"127.0.0.1:" + front, "127.0.0.1:8080", "127.0.0.1:" + this.port, "check port 8082",
				"check port " + this.checkConnector.getPort(), "inter 2s", "inter 200ms")) {
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				Map<String, String> server = haproxy.server("app", "app1");
				assertThat(server).containsEntry("status", "UP").containsEntry("check_status", "L7OK");
			});
			assertThat(checks("port")).isGreaterThan(portChecks);
			// send-state: HAProxy's view of this server, tagged with HAProxy's node name.
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.registry.find("busypool.haproxy.up").gauges())
					.anySatisfy((gauge) -> assertThat(gauge.value()).isEqualTo(1)));
			Gauge weight = this.registry.get("busypool.haproxy.weight").gauge();
			assertThat(weight.getId().getTag("node")).isNotBlank();
			assertThat(weight.value()).isEqualTo(1);
			assertThat(this.registry.get("busypool.haproxy.queue").gauge().value()).isZero();
			HttpResponse<String> page = new Http(front).get("/");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("<html");
		}
		assertThat(this.home.renders()).isEqualTo(renders + 1);
	}

	private double checks(String via) {
		return this.registry.find("busypool.checks").tag("via", via).functionCounters().stream()
			.mapToDouble(FunctionCounter::count)
			.sum();
	}

	@Test
	void haproxyChecksTheFilterAndServesThroughIt(@TempDir Path directory) throws Exception {
		int front = freePort();
		long renders = this.home.renders();
		try (Haproxy haproxy = Haproxy.start(RECIPE, directory, "127.0.0.1:8000", "127.0.0.1:" + front,
				"127.0.0.1:8080", "127.0.0.1:" + this.port, "inter 2s", "inter 200ms")) {
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				Map<String, String> server = haproxy.server("app", "app1");
				assertThat(server).containsEntry("status", "UP").containsEntry("check_status", "L7OK");
			});
			assertThat(haproxy.server("app", "app1")).containsEntry("qlimit", "").containsEntry("slim", "8");
			HttpResponse<String> page = new Http(front).get("/");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("<html");
			assertThat(this.registry.get("busypool.checks").tag("answer", "free").functionCounter().count())
				.isPositive();
		}
		// HAProxy's checks never rendered the home page: only the one request above did.
		assertThat(this.home.renders()).isEqualTo(renders + 1);
	}

	static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

package io.github.busypool.sample;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The README's HAProxy recipe, loaded into a real HAProxy in front of the sample app.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.graphite.metrics.export.enabled=false", "sample.downstream.embedded.port=0",
				"management.server.port=" })
class HaproxyRecipeTests {

	static final Path RECIPE = Path.of("..", "haproxy", "httpchk.cfg");

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

	@Test
	void recipeIsValid() throws Exception {
		assertThat(Haproxy.check(RECIPE)).startsWith("0 ");
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

	private static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}

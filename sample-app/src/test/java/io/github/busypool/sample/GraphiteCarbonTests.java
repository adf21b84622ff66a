package io.github.busypool.sample;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.busypool.BusyState;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.tomcat.BusyPoolCheckConnector;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app exporting to a real carbon-cache: every {@code busypool.*} meter of the
 * contract lands as a whisper file under {@code <application>.<instance>.}, the state
 * reads 1 during saturation and 0 after, and every target of the Grafana dashboard
 * resolves to series that carbon received.
 */
@Tag("e2e")
class GraphiteCarbonTests {

	static final String APPLICATION = "busy-pool-sample";

	/** Dots in a tag value become underscores in the path. */
	static final String INSTANCE = "host1.example";

	static final String PREFIX = APPLICATION + ".host1_example.";

	static final Path DASHBOARD = Path.of("..", "dashboards", "busy-pool-graphite.json");

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final int THREADS = 4;

	@TempDir
	static Path directory;

	static Carbon carbon;

	@BeforeAll
	static void startCarbon() throws Exception {
		Carbon.assumeInstalled();
		carbon = Carbon.configure(directory).start();
	}

	@AfterAll
	static void stopCarbon() throws Exception {
		if (carbon != null) {
			carbon.close();
		}
	}

	static ConfigurableApplicationContext startApp(String... extra) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--server.tomcat.threads.max=" + THREADS, "--server.tomcat.threads.min-spare=" + THREADS,
				"--busy-pool.check.port=0", "--busy-pool.agent.port=0", "--management.server.port=",
				"--sample.downstream.embedded.port=0", "--management.graphite.metrics.export.host=127.0.0.1",
				"--management.graphite.metrics.export.step=1s", "--spring.main.banner-mode=off"));
		args.addAll(List.of(extra));
		return new SpringApplicationBuilder(SampleApplication.class).run(args.toArray(String[]::new));
	}

	@Test
	void everyContractMeterLandsAndTheStateIsReadBack() throws Exception {
		long from = Instant.now().getEpochSecond() - 2;
		try (ConfigurableApplicationContext app = startApp(
				"--management.graphite.metrics.export.port=" + carbon.linePort(),
				"--management.metrics.tags.instance=" + INSTANCE)) {
			int port = ((WebServerApplicationContext) app).getWebServer().getPort();
			BusyPoolExecutor pool = app.getBean(BusyPoolExecutor.class);
			// HAProxy's view, as http-check send-state would send it, and one agent check.
			HttpResponse<String> check = new Http(app.getBean(BusyPoolCheckConnector.class).getPort())
				.send("GET", "/busy-pool/check", "X-Haproxy-Server-State",
						"UP 2/3; name=app/app1; node=lb1; weight=100/100; scur=3/3; qcur=2");
			assertThat(check.statusCode()).isEqualTo(200);
			try (Socket agent = new Socket(InetAddress.getLoopbackAddress(),
					app.getBean(BusyPoolAgent.class).getPort())) {
				assertThat(agent.getInputStream().readAllBytes()).isNotEmpty();
			}

			// A request that waited 2 s in a standing queue, by its load balancer's stamp: shed.
			Http main = new Http(port);
			long now = System.currentTimeMillis();
			assertThat(main.send("GET", "/", "X-Request-Start", "t=" + now).statusCode()).isEqualTo(200);
			assertThat(main.send("GET", "/", "X-Request-Start", "t=" + (now - 2000)).statusCode()).isEqualTo(503);

			// Saturate, then recover.
			Http http = new Http(port);
			List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
			for (int i = 0; i < THREADS * 5; i++) {
				held.add(http.getAsync("/sleep?ms=1500"));
			}
			await().atMost(WAIT).until(() -> pool.getState() == BusyState.BUSY);
			for (CompletableFuture<HttpResponse<String>> response : held) {
				assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
			await().atMost(WAIT).until(() -> pool.getState() == BusyState.FREE);

			String state = PREFIX + "busypoolState";
			await().atMost(WAIT).untilAsserted(() -> {
				List<Double> values = carbon.values(state, from);
				assertThat(values).contains(1.0);
				assertThat(values.get(values.size() - 1)).isZero();
				assertThat(values.subList(values.indexOf(1.0), values.size())).contains(0.0);
			});
			await().atMost(WAIT).untilAsserted(() -> assertThat(carbon.paths()).containsAll(contractPaths()));
			assertThat(carbon.values(PREFIX + "busypoolThreadsMax", from)).last().isEqualTo((double) THREADS);
			assertThat(carbon.values(PREFIX + "busypoolTransitions.to.busy.count", from)).last()
				.isEqualTo((double) pool.getTransitionCount(BusyState.BUSY));
			assertThat(carbon.values(PREFIX + "busypoolQueueWait.max", from)).anyMatch((ms) -> ms > 1000);
			assertThat(carbon.values(PREFIX + "busypoolBusyTime.count", from)).last().matches((s) -> s > 1);
			assertThat(carbon.values(PREFIX + "busypoolHaproxyQueue.node.lb1", from)).contains(2.0);
			assertThat(carbon.values(PREFIX + "busypoolChecks.answer.free.via.agent.count", from)).last()
				.isEqualTo(1.0);
			assertThat(carbon.values(PREFIX + "busypoolShed.reason.queue.count", from)).last().isEqualTo(1.0);
		}
	}

	@Test
	void everyDashboardTargetResolvesToReceivedSeries() throws Exception {
		List<String> received = awaitReceived();
		JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
		List<String> variables = new ArrayList<>();
		dashboard.get("templating").get("list").forEach((v) -> variables.add(v.get("name").asString()));
		assertThat(variables).containsExactly("datasource", "application", "instance");
		List<String> targets = new ArrayList<>();
		for (JsonNode panel : dashboard.get("panels")) {
			assertThat(panel.get("datasource").get("uid").asString()).isEqualTo("${datasource}");
			for (JsonNode target : panel.get("targets")) {
				targets.add(target.get("target").asString());
			}
		}
		assertThat(targets).hasSizeGreaterThanOrEqualTo(10);
		for (String target : targets) {
			List<String> series = GraphiteTargets.seriesIn(target);
			assertThat(series).as(target).isNotEmpty();
			for (String expression : series) {
				Pattern pattern = GraphiteTargets.toRegex(expression.replace("$application", APPLICATION)
					.replace("$instance", "*"));
				assertThat(received).as("%s in %s", expression, target)
					.anyMatch((path) -> pattern.matcher(path).matches());
			}
		}
	}

	@Test
	void pickledExportLandsToo() throws Exception {
		try (ConfigurableApplicationContext app = startApp(
				"--management.graphite.metrics.export.port=" + carbon.picklePort(),
				"--management.graphite.metrics.export.protocol=pickled",
				"--management.metrics.tags.instance=pickled")) {
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(carbon.values(APPLICATION + ".pickled.busypoolThreadsMax", 0))
					.contains((double) THREADS));
		}
	}

	/** The meters of the contract, as carbon stores them. */
	static List<String> contractPaths() {
		List<String> paths = new ArrayList<>();
		for (String gauge : List.of("busypoolState", "busypoolThreadsActive", "busypoolThreadsIdle",
				"busypoolThreadsMax", "busypoolQueueSize", "busypoolQueueWait.count", "busypoolQueueWait.max",
				"busypoolQueueWait.p99", "busypoolTransitions.to.busy.count", "busypoolTransitions.to.free.count",
				"busypoolBusyTime.count", "busypoolHaproxyUp.node.lb1", "busypoolHaproxyWeight.node.lb1",
				"busypoolHaproxySessions.node.lb1", "busypoolHaproxyQueue.node.lb1", "busypoolShed.reason.queue.count",
				"busypoolShed.reason.shutdown.count")) {
			paths.add(PREFIX + gauge);
		}
		for (String answer : List.of("free", "busy", "draining")) {
			for (String via : List.of("filter", "port", "agent")) {
				paths.add(PREFIX + "busypoolChecks.answer." + answer + ".via." + via + ".count");
			}
		}
		return paths;
	}

	/**
	 * The series carbon holds, after running the contract test for them if they are not all
	 * there yet: the dashboard test stands alone, in any order.
	 */
	private static List<String> awaitReceived() throws Exception {
		if (!carbon.paths().containsAll(contractPaths())) {
			new GraphiteCarbonTests().everyContractMeterLandsAndTheStateIsReadBack();
		}
		return carbon.paths();
	}

}

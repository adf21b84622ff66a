package io.github.busypool.e2e;

import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's jar exporting to a real carbon-cache: every {@code busypool.*} meter of
 * the contract lands as a whisper file under {@code <application>.<instance>.}, the state
 * reads 1 during saturation and 0 after, every target of the Grafana dashboard resolves to
 * series that carbon received, and carbon going away and coming back costs the app nothing.
 */
@Tag("e2e")
class GraphiteTests {

	static final String APPLICATION = "busy-pool-sample";

	/** Dots in a tag value become underscores in the path. */
	static final String INSTANCE = "host1.example";

	static final String PREFIX = APPLICATION + ".host1_example.";

	static final Path DASHBOARD = Ports.repository().resolve("dashboards/busy-pool-graphite.json");

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	@TempDir
	static Path directory;

	static Carbon carbon;

	static Downstream downstream;

	@BeforeAll
	static void startCarbon() throws Exception {
		Carbon.assumeInstalled();
		carbon = Carbon.configure(directory.resolve("carbon")).start();
		downstream = Downstream.start(20);
	}

	@AfterAll
	static void stopCarbon() throws Exception {
		if (carbon != null) {
			carbon.close();
		}
		if (downstream != null) {
			downstream.close();
		}
	}

	/** The sample app's jar, exporting to carbon every second. */
	private static Backend startApp(String name, Map<String, String> graphite) throws Exception {
		Map<String, String> overrides = new java.util.HashMap<>(graphite);
		overrides.put("management.graphite.metrics.export.enabled", "true");
		overrides.put("management.graphite.metrics.export.host", "127.0.0.1");
		overrides.put("management.graphite.metrics.export.step", "1s");
		Backend app = new Backend(name, Fleet.sampleJar(), Files.createDirectories(directory.resolve(name)), true,
				Duration.ZERO, downstream, false, overrides);
		app.start();
		app.awaitReady(Duration.ofSeconds(90));
		return app;
	}

	@Test
	void everyContractMeterLandsAndTheStateIsReadBack() throws Exception {
		long from = Instant.now().getEpochSecond() - 2;
		try (Backend app = startApp("contract",
				Map.of("management.graphite.metrics.export.port", String.valueOf(carbon.linePort()),
						"management.metrics.tags.instance", INSTANCE))) {
			// HAProxy's view, as http-check send-state would send it, and one agent check.
			HttpResponse<String> check = client.send(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + app.checkPort + "/busy-pool/check"))
				.header("X-Haproxy-Server-State", "UP 2/3; name=app/app1; node=lb1; weight=100/100; scur=3/3; qcur=2")
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(check.statusCode()).isEqualTo(200);
			try (Socket agent = new Socket(InetAddress.getLoopbackAddress(), app.agentPort)) {
				assertThat(agent.getInputStream().readAllBytes()).isNotEmpty();
			}

			// A request that waited 2 s in a standing queue, by its load balancer's stamp: shed.
			long now = System.currentTimeMillis();
			assertThat(get(app.port, "/", "t=" + now).statusCode()).isEqualTo(200);
			assertThat(get(app.port, "/", "t=" + (now - 2000)).statusCode()).isEqualTo(503);
			// Client deadlines: one met, one that passed in the queue, one unreadable.
			assertThat(send(app.port, "x-envoy-expected-rq-timeout-ms", "30000").statusCode()).isEqualTo(200);
			assertThat(send(app.port, "grpc-timeout", "1S", "t=" + (now - 2000)).statusCode()).isEqualTo(503);
			assertThat(send(app.port, "grpc-timeout", "soon").statusCode()).isEqualTo(200);

			// Saturate, then recover.
			List<CompletableFuture<HttpResponse<Void>>> held = new ArrayList<>();
			for (int i = 0; i < Backend.THREADS * 5; i++) {
				held.add(client.sendAsync(request(app.port, "/sleep?ms=1500").build(),
						HttpResponse.BodyHandlers.discarding()));
			}
			await().atMost(WAIT).until(() -> app.metric("busypool.state").orElse(0) == 1);
			for (CompletableFuture<HttpResponse<Void>> response : held) {
				assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
			await().atMost(WAIT).until(() -> app.metric("busypool.state").orElse(1) == 0);

			String state = PREFIX + "busypoolState";
			await().atMost(WAIT).untilAsserted(() -> {
				List<Double> values = carbon.values(state, from);
				assertThat(values).contains(1.0);
				assertThat(values.get(values.size() - 1)).isZero();
				assertThat(values.subList(values.indexOf(1.0), values.size())).contains(0.0);
			});
			await().atMost(WAIT).untilAsserted(() -> assertThat(carbon.paths()).containsAll(contractPaths()));
			assertThat(carbon.values(PREFIX + "busypoolThreadsMax", from)).last().isEqualTo((double) Backend.THREADS);
			double busyTransitions = app.metric("busypool.transitions?tag=to:busy").orElseThrow();
			await().atMost(WAIT).untilAsserted(() -> assertThat(
					carbon.values(PREFIX + "busypoolTransitions.to.busy.count", from)).last().isEqualTo(busyTransitions));
			assertThat(carbon.values(PREFIX + "busypoolQueueWait.max", from)).anyMatch((ms) -> ms > 1000);
			assertThat(carbon.values(PREFIX + "busypoolBusyTime.count", from)).last().matches((s) -> s > 1);
			assertThat(carbon.values(PREFIX + "busypoolHaproxyQueue.node.lb1", from)).contains(2.0);
			assertThat(carbon.values(PREFIX + "busypoolChecks.answer.free.via.agent.count", from)).last()
				.isEqualTo(1.0);
			assertThat(carbon.values(PREFIX + "busypoolShed.reason.queue.count", from)).last().isEqualTo(1.0);
			assertThat(carbon.values(PREFIX + "busypoolShed.reason.deadline.count", from)).last().isEqualTo(1.0);
			for (String outcome : List.of("admitted", "missed", "invalid")) {
				assertThat(carbon.values(PREFIX + "busypoolDeadlines.outcome." + outcome + ".count", from)).as(outcome)
					.last()
					.isEqualTo(1.0);
			}
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
		try (Backend app = startApp("pickled",
				Map.of("management.graphite.metrics.export.port", String.valueOf(carbon.picklePort()),
						"management.graphite.metrics.export.protocol", "pickled", "management.metrics.tags.instance",
						"pickled"))) {
			await().atMost(WAIT)
				.untilAsserted(() -> assertThat(carbon.values(APPLICATION + ".pickled.busypoolThreadsMax", 0))
					.contains((double) Backend.THREADS));
		}
	}

	/**
	 * Carbon down at startup, up, down mid-run and back: the app serves throughout, logs one
	 * WARN per outage (and a reminder while it lasts) and one INFO per recovery, and points
	 * land again once carbon is back.
	 */
	@Test
	void appServesWhileCarbonIsDownAndExportResumesWhenItIsBack() throws Exception {
		int linePort = Ports.free();
		String target = "Graphite export to 127.0.0.1:" + linePort;
		try (Carbon own = Carbon.configure(directory.resolve("carbon-down"), linePort);
				Backend app = startApp("down",
						Map.of("management.graphite.metrics.export.port", String.valueOf(linePort),
								"management.metrics.tags.instance", "down", "sample.graphite.failure-reminder",
								"3s"))) {
			String state = APPLICATION + ".down.busypoolState";

			// No carbon at startup: every request is served, one WARN, then a reminder every 3 s.
			await().atMost(WAIT).until(() -> app.log().contains(target + " failed"));
			assertThat(serveFor(app, Duration.ofSeconds(7))).isPositive();
			assertThat(count(app.log(), target + " failed")).isEqualTo(1);
			assertThat(count(app.log(), target + " still failing")).isBetween(1, 3);
			assertThat(app.log()).doesNotContain("Unable to report to Graphite")
				.doesNotContain("at com.codahale.metrics.graphite");

			// Carbon comes up: export resumes, and says so once.
			own.start();
			await().atMost(WAIT).until(() -> count(app.log(), target + " works again") == 1);
			await().atMost(WAIT).until(() -> own.paths().contains(state));

			// Carbon stops mid-run: the app keeps serving, one new WARN.
			own.stop();
			await().atMost(WAIT).until(() -> count(app.log(), target + " failed") == 2);
			assertThat(serveFor(app, Duration.ofSeconds(2))).isPositive();

			// And comes back: points land again.
			long restarted = Instant.now().getEpochSecond();
			own.start();
			await().atMost(WAIT).until(() -> count(app.log(), target + " works again") == 2);
			await().atMost(WAIT).until(() -> !own.values(state, restarted).isEmpty());
		}
	}

	/** Sends requests one after the other for a while; each must succeed. */
	private static int serveFor(Backend app, Duration duration) throws Exception {
		long end = System.nanoTime() + duration.toNanos();
		int served = 0;
		while (System.nanoTime() < end && served < 10_000) {
			assertThat(client.send(request(app.port, "/").build(), HttpResponse.BodyHandlers.discarding()).statusCode())
				.isEqualTo(200);
			served++;
			Thread.sleep(20);
		}
		return served;
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

	private static HttpResponse<String> get(int port, String path, String requestStart) throws Exception {
		return client.send(request(port, path).header("X-Request-Start", requestStart).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static HttpResponse<Void> send(int port, String header, String value, String... requestStart)
			throws Exception {
		HttpRequest.Builder builder = request(port, "/").header(header, value);
		if (requestStart.length > 0) {
			builder.header("X-Request-Start", requestStart[0]);
		}
		return client.send(builder.build(), HttpResponse.BodyHandlers.discarding());
	}

	private static HttpRequest.Builder request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT);
	}

	/** The meters of the contract, as carbon stores them. */
	static List<String> contractPaths() {
		List<String> paths = new ArrayList<>();
		for (String gauge : List.of("busypoolState", "busypoolThreadsActive", "busypoolThreadsIdle",
				"busypoolThreadsMax", "busypoolQueueSize", "busypoolQueueWait.count", "busypoolQueueWait.max",
				"busypoolQueueWait.p99", "busypoolTransitions.to.busy.count", "busypoolTransitions.to.free.count",
				"busypoolBusyTime.count", "busypoolHaproxyUp.node.lb1", "busypoolHaproxyWeight.node.lb1",
				"busypoolHaproxySessions.node.lb1", "busypoolHaproxyQueue.node.lb1", "busypoolShed.reason.queue.count",
				"busypoolShed.reason.shutdown.count", "busypoolShed.reason.deadline.count",
				"busypoolDeadlines.outcome.admitted.count", "busypoolDeadlines.outcome.missed.count",
				"busypoolDeadlines.outcome.refused.count", "busypoolDeadlines.outcome.invalid.count")) {
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
			new GraphiteTests().everyContractMeterLandsAndTheStateIsReadBack();
		}
		return carbon.paths();
	}

}

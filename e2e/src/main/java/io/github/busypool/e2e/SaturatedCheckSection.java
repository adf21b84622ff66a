package io.github.busypool.e2e;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import static io.github.busypool.e2e.FleetBenchmark.NORMAL_MS;

/**
 * The report's section on how long each check path takes to answer while the main pool is
 * saturated.
 */
final class SaturatedCheckSection {

	private final Report report;

	SaturatedCheckSection(Report report) {
		this.report = report;
	}

	void run(Path work, Backend busy) throws Exception {
		this.report.line("## Check answer time while the main pool is saturated");
		this.report.line("");
		this.report.line("The downstream answers in 4 s; requests arrive at 10 req/s straight to Tomcat (capacity 2 req/s), "
				+ "so the queue grows by about 8 a second. Once every thread is held and some 48 requests wait, each path is probed 3 times, one after "
				+ "the other, with a 10 s timeout; the paths are probed at the same time.");
		this.report.line("");
		Downstream soloDownstream = Downstream.start(NORMAL_MS);
		Backend solo = new Backend("solo", Fleet.sampleJar(), work, true, Duration.ZERO, soloDownstream, true);
		try {
			solo.start();
			solo.awaitReady(Duration.ofSeconds(90));
			// Filled by the probing threads at once; the order of the keys is the table's.
			Map<String, List<Probe.Answer>> answers = Collections.synchronizedMap(new LinkedHashMap<>());
			for (String path : List.of("busy-pool filter, main port", "`/actuator/health`, main port", "check port",
					"agent", "`/actuator/health`, management port")) {
				answers.put(path, List.of());
			}
			saturate(busy, () -> {
				answers.put("busy-pool filter, main port", probe3(() -> Probe.http(busy.port, "GET /busy-pool/check HTTP/1.0", 10_000)));
				return null;
			}, () -> {
				answers.put("check port", probe3(() -> Probe.http(busy.checkPort, "GET /busy-pool/check HTTP/1.0", 10_000)));
				return null;
			}, () -> {
				answers.put("agent", probe3(() -> Probe.agent(busy.agentPort, 10_000)));
				return null;
			}, () -> {
				answers.put("`/actuator/health`, management port",
						probe3(() -> Probe.http(busy.managementPort, "GET /actuator/health HTTP/1.0", 10_000)));
				return null;
			});
			saturate(solo, () -> {
				answers.put("`/actuator/health`, main port",
						probe3(() -> Probe.http(solo.port, "GET /actuator/health HTTP/1.0", 10_000)));
				return null;
			});
			this.report.line("| path | answers | slowest | each |");
			this.report.line("|---|---|---|---|");
			for (Map.Entry<String, List<Probe.Answer>> entry : List.copyOf(answers.entrySet())) {
				List<Probe.Answer> probes = entry.getValue();
				long slowest = probes.stream().mapToLong(Probe.Answer::nanos).max().orElse(0);
				this.report.line(String.format("| %s | %s | %s | %s |", entry.getKey(),
						String.join(", ", probes.stream().map((a) -> "`" + a.firstLine().replace("HTTP/1.1 ", "") + "`")
							.distinct().toList()),
						probes.stream().anyMatch(Probe.Answer::timedOut) ? "> 10 s (timed out)" : Result.ms(slowest / 1e6),
						String.join(" / ", probes.stream().map((a) -> a.timedOut() ? "timeout" : Result.ms(a.nanos() / 1e6)).toList())));
			}
			this.report.line("");
		}
		finally {
			solo.stop();
			soloDownstream.close();
		}
	}

	private static List<Probe.Answer> probe3(java.util.function.Supplier<Probe.Answer> probe) {
		List<Probe.Answer> answers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			answers.add(probe.get());
		}
		return answers;
	}

	@SafeVarargs
	private static void saturate(Backend backend, java.util.concurrent.Callable<Void>... probes) throws Exception {
		backend.downstream.setLatencyMs(4000);
		Load load = new Load(URI.create("http://127.0.0.1:" + backend.port + "/api/quote"), 10, Duration.ofSeconds(40),
				Duration.ofSeconds(120));
		load.start();
		try {
			// Every thread held, then about 6 s of growth at 8 a second: some 48 requests queued.
			long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (backend.downstream.running() < Backend.THREADS) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException(backend.name + " did not saturate");
				}
				Thread.sleep(100);
			}
			Thread.sleep(6000);
			ExecutorService probing = Executors.newFixedThreadPool(probes.length);
			try {
				for (Future<Void> each : probing.invokeAll(List.of(probes))) {
					each.get();
				}
			}
			finally {
				probing.shutdownNow();
			}
		}
		finally {
			load.stop();
			backend.downstream.setLatencyMs(0);
			load.await(Duration.ofSeconds(60));
			backend.downstream.setLatencyMs(NORMAL_MS);
		}
	}

}

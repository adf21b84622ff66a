package io.github.busypool.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The fleet benchmark: the e2e scenarios, longer, under four modes (stock, expert, check port,
 * agent), plus check answer times under saturation, the CPU a check costs, and the overhead
 * with no blip. Writes a markdown report, CSV series and PNG charts.
 * <p>
 * Run it with {@code e2e/fleet-benchmark} ({@code e2e/fleet-benchmark --quick} for the e2e lengths).
 */
public final class Bench {

	static final double RATE = 60;

	static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

	static final long NORMAL_MS = 200;

	static final long SLOW_MS = 3000;

	/** At least inter x fall (6 s), so that a check-port HAProxy sees "draining" before the stop. */
	static final Duration DRAIN_DELAY = Duration.ofSeconds(7);

	private final Path out;

	private final boolean quick;

	/** Only the overload section, with these client timeouts (seconds) and HAProxy counts. */
	private List<Integer> overloadTimeouts = List.of();

	private List<Integer> overloadBalancers = List.of();

	private List<Mode> overloadModes = List.of(Mode.STOCK, Mode.EXPERT, Mode.CHECK_PORT, Mode.AGENT);

	private final StringBuilder report = new StringBuilder();

	/** Only the overhead on {@code GET /}, on one backend of each kind. */
	private boolean overheadOnly;

	private Bench(Path out, boolean quick) {
		this.out = out;
		this.quick = quick;
	}

	public static void main(String[] args) throws Exception {
		Locale.setDefault(Locale.ROOT);
		Path out = Ports.repository().resolve("e2e/target/report");
		boolean quick = false;
		boolean overheadOnly = false;
		List<Integer> timeouts = List.of();
		List<Integer> balancers = List.of(1, 2, 4);
		List<Mode> modes = List.of(Mode.STOCK, Mode.EXPERT, Mode.CHECK_PORT, Mode.AGENT);
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--overhead" -> overheadOnly = true;
				case "--out" -> out = Path.of(args[++i]);
				case "--overload" -> timeouts = OVERLOAD_TIMEOUTS;
				case "--timeouts" -> timeouts = numbers(args[++i]);
				case "--balancers" -> balancers = numbers(args[++i]);
				case "--modes" -> modes = Arrays.stream(args[++i].split(","))
					.map((m) -> Mode.valueOf(m.trim().toUpperCase(Locale.ROOT).replace('-', '_')))
					.toList();
				default -> {
					System.err.println("usage: e2e/fleet-benchmark [--quick] [--out DIR] | --overhead | --overload "
							+ "[--timeouts 1,3,30] [--balancers 1,2,4]");
					System.exit(2);
				}
			}
		}
		Files.createDirectories(out);
		Bench bench = new Bench(out.toAbsolutePath(), quick);
		bench.overheadOnly = overheadOnly;
		if (!timeouts.isEmpty()) {
			bench.overloadTimeouts = timeouts;
			bench.overloadBalancers = balancers;
			bench.overloadModes = modes;
		}
		bench.run();
	}

	private void run() throws Exception {
		long started = System.nanoTime();
		header();
		Path work = Files.createTempDirectory("busy-pool-bench");
		if (this.overheadOnly) {
			try (Fleet stock = Fleet.start(work.resolve("stock"), 1, false, Duration.ZERO, NORMAL_MS);
					Fleet busy = Fleet.start(work.resolve("busy-pool"), 1, true, DRAIN_DELAY, NORMAL_MS)) {
				overhead(stock.backends.get(0), busy.backends.get(0));
			}
			Files.writeString(this.out.resolve("report.md"), this.report);
			return;
		}
		try (Fleet stock = Fleet.start(work.resolve("stock"), 3, false, Duration.ZERO, NORMAL_MS);
				Fleet busy = Fleet.start(work.resolve("busy-pool"), 3, true, DRAIN_DELAY, NORMAL_MS)) {
			if (!this.overloadTimeouts.isEmpty()) {
				overload(stock, busy, this.overloadTimeouts, this.overloadBalancers);
				Files.writeString(this.out.resolve("report.md"), this.report);
				return;
			}
			overhead(stock.backends.get(0), busy.backends.get(0));
			checkCpu(stock.backends.get(0), busy.backends.get(0));
			checkUnderSaturation(work, busy.backends.get(1));
			scenarios(stock, busy);
			overload(stock, busy, OVERLOAD_TIMEOUTS, List.of(1, 2, 4));
		}
		line("");
		line(String.format("The whole run took %.1f minutes.", (System.nanoTime() - started) / 60e9));
		Files.writeString(this.out.resolve("report.md"), this.report);
		System.out.println("Report: " + this.out.resolve("report.md"));
	}

	private void header() throws Exception {
		line("# Fleet benchmark report");
		line("");
		line("- Date: " + Instant.now());
		line("- Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
				+ cpuModel() + ", Java " + System.getProperty("java.version") + ", " + haproxyVersion());
		line("- Fleet: 3 sample-app JVMs (" + Backend.THREADS + " Tomcat threads each, -Xmx256m) behind one HAProxy (two in one scenario, each taking half the load), "
				+ "each with its own downstream answering in " + NORMAL_MS + " ms (" + SLOW_MS + " ms during a blip)");
		line("- Load: " + (int) RATE + " req/s to /api/quote through HAProxy, open model (latency from when each "
				+ "request was due), clients give up after " + CLIENT_TIMEOUT.toSeconds() + " s; capacity is "
				+ (3 * Backend.THREADS * 1000 / NORMAL_MS) + " req/s in normal times");
		line("- " + (this.quick ? "Quick run (the e2e lengths)" : "Full run"));
		line("");
	}

	// ---- overhead with no blip -------------------------------------------------------------

	private void overhead(Backend stock, Backend busy) throws Exception {
		line("## Overhead with no blip: `GET /`, stock vs busy-pool");
		line("");
		line("One backend of each kind, straight to Tomcat (no HAProxy), alternating runs in one session. "
				+ "Open model at 200 req/s for latency; 8 closed-loop clients for throughput.");
		line("");
		line("| round | app | p50 | p99 | p99.9 | max | closed-loop throughput |");
		line("|---|---|---|---|---|---|---|");
		int rounds = this.quick ? 1 : 3;
		Duration length = Duration.ofSeconds(this.quick ? 5 : 10);
		// Warm both up: the JIT first.
		for (Backend backend : List.of(stock, busy)) {
			openLoop(backend, 200, Duration.ofSeconds(5));
			closedLoop(backend, Duration.ofSeconds(3));
		}
		for (int round = 1; round <= rounds; round++) {
			for (Backend backend : (round % 2 == 1) ? List.of(stock, busy) : List.of(busy, stock)) {
				Load load = openLoop(backend, 200, length);
				long[] latencies = load.latency.clone();
				double throughput = closedLoop(backend, length);
				line(String.format("| %d | %s | %s | %s | %s | %s | %.0f req/s |", round,
						(backend == stock) ? "stock" : "busy-pool", Result.ms(Result.percentile(latencies, 50)),
						Result.ms(Result.percentile(latencies, 99)), Result.ms(Result.percentile(latencies, 99.9)),
						Result.ms(Result.percentile(latencies, 100)), throughput));
			}
		}
		line("");
	}

	private static Load openLoop(Backend backend, double rate, Duration length) throws Exception {
		Load load = new Load(URI.create("http://127.0.0.1:" + backend.port + "/"), rate, length, Duration.ofSeconds(5));
		load.start();
		load.await(Duration.ofSeconds(10));
		return load;
	}

	private static double closedLoop(Backend backend, Duration length) throws Exception {
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + backend.port + "/"))
			.timeout(Duration.ofSeconds(5))
			.build();
		AtomicLong done = new AtomicLong();
		long end = System.nanoTime() + length.toNanos();
		ExecutorService clients = Executors.newFixedThreadPool(8);
		List<Future<?>> all = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			all.add(clients.submit(() -> {
				while (System.nanoTime() < end) {
					if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
						done.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> each : all) {
			each.get();
		}
		clients.shutdown();
		return done.get() / (length.toNanos() / 1e9);
	}

	// ---- CPU a check costs ------------------------------------------------------------------

	private void checkCpu(Backend stock, Backend busy) throws Exception {
		line("## CPU a check costs the backend");
		line("");
		line("Each check on a new connection, as HAProxy makes it, one after the other against an idle backend; "
				+ "the backend's CPU time (from /proc) over the checks, minus its idle CPU over the same time. "
				+ "Per hour: 3 HAProxies checking every 2 s (5,400 checks).");
		line("");
		line("| check | answer | CPU per check | CPU per hour |");
		line("|---|---|---|---|");
		int n = this.quick ? 1000 : 4000;
		Map<String, IntFunction<Probe.Answer>> checks = new LinkedHashMap<>();
		checks.put("stock: `OPTIONS /` renders the home page", (i) -> Probe.http(stock.port, "OPTIONS / HTTP/1.0", 5000));
		checks.put("expert: `GET /actuator/health/readiness` (management port)",
				(i) -> Probe.http(stock.managementPort, "GET /actuator/health/readiness HTTP/1.0", 5000));
		checks.put("busy-pool filter: `OPTIONS /` (main port)", (i) -> Probe.http(busy.port, "OPTIONS / HTTP/1.0", 5000));
		checks.put("busy-pool check port: `GET /busy-pool/check`",
				(i) -> Probe.http(busy.checkPort, "GET /busy-pool/check HTTP/1.0", 5000));
		checks.put("busy-pool agent", (i) -> Probe.agent(busy.agentPort, 5000));
		for (Map.Entry<String, IntFunction<Probe.Answer>> check : checks.entrySet()) {
			Backend backend = check.getKey().startsWith("busy-pool") ? busy : stock;
			for (int i = 0; i < n / 4; i++) {
				check.getValue().apply(i);
			}
			long idleStart = backend.cpuNanos();
			long idleWall = System.nanoTime();
			Thread.sleep(2000);
			double idlePerNano = (double) (backend.cpuNanos() - idleStart) / (System.nanoTime() - idleWall);
			long cpu = backend.cpuNanos();
			long wall = System.nanoTime();
			String answer = null;
			for (int i = 0; i < n; i++) {
				answer = check.getValue().apply(i).firstLine();
			}
			double spent = (backend.cpuNanos() - cpu) - idlePerNano * (System.nanoTime() - wall);
			double perCheckUs = Math.max(0, spent / n / 1000);
			line(String.format("| %s | `%s` | %.0f µs | %.2f s |", check.getKey(), answer, perCheckUs,
					perCheckUs * 5400 / 1e6));
		}
		line("");
	}

	// ---- check answer time under saturation --------------------------------------------------

	private void checkUnderSaturation(Path work, Backend busy) throws Exception {
		line("## Check answer time while the main pool is saturated");
		line("");
		line("The downstream answers in 4 s; requests arrive at 10 req/s straight to Tomcat (capacity 2 req/s), "
				+ "so the queue grows by about 8 a second. Once every thread is held and some 48 requests wait, each path is probed 3 times, one after "
				+ "the other, with a 10 s timeout; the paths are probed at the same time.");
		line("");
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
			line("| path | answers | slowest | each |");
			line("|---|---|---|---|");
			for (Map.Entry<String, List<Probe.Answer>> entry : List.copyOf(answers.entrySet())) {
				List<Probe.Answer> probes = entry.getValue();
				long slowest = probes.stream().mapToLong(Probe.Answer::nanos).max().orElse(0);
				line(String.format("| %s | %s | %s | %s |", entry.getKey(),
						String.join(", ", probes.stream().map((a) -> "`" + a.firstLine().replace("HTTP/1.1 ", "") + "`")
							.distinct().toList()),
						probes.stream().anyMatch(Probe.Answer::timedOut) ? "> 10 s (timed out)" : Result.ms(slowest / 1e6),
						String.join(" / ", probes.stream().map((a) -> a.timedOut() ? "timeout" : Result.ms(a.nanos() / 1e6)).toList())));
			}
			line("");
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

	// ---- overload: a collapse with patient and impatient clients -----------------------------

	/** Client timeouts of the overload section, in seconds. */
	static final List<Integer> OVERLOAD_TIMEOUTS = List.of(1, 3, 30);

	/** The collapse: every downstream 10 times slower for 8 s, 25 s of load. */
	static Scenario collapse() {
		return Scenario.collapse(Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(25), 10 * NORMAL_MS);
	}

	private void overload(Fleet stock, Fleet busy, List<Integer> timeouts, List<Integer> balancers) throws Exception {
		line("## Overload: the whole fleet 10 times slower for 8 s");
		line("");
		line(String.format("%.0f req/s for 25 s; from 5 s to 13 s every downstream answers in %d ms instead of %d ms, "
				+ "so the fleet can serve %d req/s. Stock: `e2e/haproxy/stock.cfg`; expert: "
				+ "`e2e/haproxy/expert.cfg` (timeout queue 2s); check port and agent: the recipes as shipped.", RATE, 10 * NORMAL_MS, NORMAL_MS,
				3 * Backend.THREADS * 1000 / (10 * NORMAL_MS)));
		line("");
		line("| HAProxies | client timeout | mode | served | not served | answered with an error | error p50 / p90 "
				+ "| silent | run for nobody | max busypool.queue.size |");
		line("|---|---|---|---|---|---|---|---|---|---|");
		for (int count : balancers) {
			for (int timeout : timeouts) {
				for (Mode mode : this.overloadModes) {
					Fleet fleet = mode.busyPool ? busy : stock;
					Scenario scenario = (count > 1) ? collapse().behind(count) : collapse();
					fleet.route(mode, count);
					fleet.awaitQuiet(Duration.ofSeconds(90));
					Result r = scenario.run(fleet, RATE, Duration.ofSeconds(timeout));
					System.out.println(r.summary());
					r.writeCsv(this.out, mode.label + "-collapse-" + count + "lb-" + timeout + "s");
					String pool = mode.busyPool ? IntStream.range(0, fleet.backends.size())
						.mapToObj((i) -> Long.toString(r.maxPoolQueue(i))).collect(Collectors.joining("/")) : "-";
					line(String.format("| %d | %d s | %s | %d | %d | %d (%.0f%%) | %s / %s | %d | %d | %s |", count, timeout,
							mode.label, r.ok(), r.failed(), r.answeredError(),
							100.0 * r.answeredError() / Math.max(1, r.failed()), Result.ms(r.errorLatencyMs(50)),
							Result.ms(r.errorLatencyMs(90)), r.silent(), r.ranAfterGiveUp(), pool));
				}
			}
		}
		line("");
	}

	private static List<Integer> numbers(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
	}

	// ---- the scenarios under each mode -------------------------------------------------------

	private void scenarios(Fleet stock, Fleet busy) throws Exception {
		Duration blip = Duration.ofSeconds(this.quick ? 12 : 30);
		Duration length = Duration.ofSeconds(this.quick ? 30 : 60);
		List<Scenario> scenarios = List.of(
				Scenario.blipOne(0, Duration.ofSeconds(5), blip, length, SLOW_MS),
				Scenario.blipEverywhere(Duration.ofSeconds(5), blip, length, SLOW_MS),
				Scenario.blipEverywhere(Duration.ofSeconds(5), blip, length, SLOW_MS).behind(2),
				Scenario.rollingRestart(Duration.ofSeconds(3), Duration.ofSeconds(2),
						Duration.ofSeconds(this.quick ? 70 : 110)));
		Map<String, List<Result>> byScenario = new LinkedHashMap<>();
		for (Mode mode : List.of(Mode.STOCK, Mode.EXPERT, Mode.CHECK_PORT, Mode.AGENT)) {
			Fleet fleet = mode.busyPool ? busy : stock;
			for (Scenario scenario : scenarios) {
				fleet.route(mode, scenario.balancers);
				fleet.awaitQuiet(Duration.ofSeconds(90));
				Result result = scenario.run(fleet, RATE, CLIENT_TIMEOUT);
				System.out.println(result.summary());
				String prefix = mode.label + "-" + slug(scenario.name);
				result.writeCsv(this.out, prefix);
				if (Charts.available()) {
					Charts.run(this.out, prefix, mode.label + ": " + scenario.name, fleet.backends.size(),
							result.events, scenario.length.toMillis());
				}
				byScenario.computeIfAbsent(scenario.name, (k) -> new ArrayList<>()).add(result);
			}
		}
		for (Map.Entry<String, List<Result>> entry : byScenario.entrySet()) {
			table(entry.getKey(), entry.getValue());
			if (Charts.available()) {
				String file = "compare-" + slug(entry.getKey()) + ".png";
				Result first = entry.getValue().get(0);
				Charts.compare(this.out, entry.getKey(),
						entry.getValue().stream().map((r) -> r.mode.label + "-" + slug(entry.getKey())).toList(),
						entry.getValue().stream().map((r) -> r.mode.label).toList(), stock.backends.size(),
						first.events, first.scenario.length.toMillis(), this.out.resolve(file));
				line("![" + entry.getKey() + "](" + file + ")");
				line("");
			}
		}
	}

	private void table(String scenario, List<Result> results) {
		Result first = results.get(0);
		line("## Scenario: " + scenario);
		line("");
		line(String.format("%d s of load, events at %s.", first.scenario.length.toSeconds(),
				String.join(", ", first.events.entrySet().stream().map((e) -> e.getKey() + " " + Result.ms(e.getValue())).toList())));
		line("");
		line("| mode | ok | failed | p50 | p99 | max | failures took (p50 / max) "
				+ "| max Tomcat queue (app1/2/3) | max HAProxy queue | ran after client gave up "
				+ "| slow backend left / rejoined | servers DOWN |");
		line("|---|---|---|---|---|---|---|---|---|---|---|---|");
		for (Result r : results) {
			String rotation = "-";
			if (r.scenario.target >= 0) {
				var left = r.leftRotation(r.scenario.target, r.event("blip start"));
				var back = r.rejoined(r.scenario.target, r.event("blip start"), r.event("blip end"));
				rotation = (left.isPresent() ? Result.ms(left.getAsLong()) : "stayed")
						+ " / " + (back.isPresent() ? Result.ms(back.getAsLong()) : "-")
						+ String.format(" (share %.0f%% → %.0f%%)", 100 * r.share(r.scenario.target, 0, r.event("blip start")),
								100 * r.share(r.scenario.target, r.event("blip start"), r.event("blip end")));
			}
			line(String.format("| %s | %.2f%% | %d (%s) | %s | %s | %s | %s / %s | %d/%d/%d | %d | %d | %s | %s |",
					r.mode.label, 100.0 * r.ok() / r.sent(), r.failed(), r.failureKinds(),
					Result.ms(r.latencyMs(50)), Result.ms(r.latencyMs(99)), Result.ms(r.latencyMs(100)),
					Result.ms(r.failLatencyMs(50)), Result.ms(r.failLatencyMs(100)), r.maxTomcatQueue(0),
					r.maxTomcatQueue(1), r.maxTomcatQueue(2), r.maxHaproxyQueue(), r.ranAfterGiveUp(), rotation,
					r.downServers().isEmpty() ? "none" : String.join(", ", r.downServers())));
		}
		line("");
		for (Result r : results) {
			String prefix = r.mode.label + "-" + slug(scenario);
			line("- " + r.mode.label + ": [chart](" + prefix + ".png), [servers CSV](" + prefix + "-servers.csv), "
					+ "[requests CSV](" + prefix + "-requests.csv)");
		}
		line("");
	}

	/** "blip on every backend, 2 HAProxies" becomes "blip-on-every-backend-2-haproxies". */
	static String slug(String name) {
		return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
	}

	private void line(String text) {
		this.report.append(text).append('\n');
		System.out.println(text);
	}

	private static String cpuModel() throws IOException {
		return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter((l) -> l.startsWith("model name"))
			.map((l) -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
	}

	private static String haproxyVersion() throws Exception {
		Process version = new ProcessBuilder(Haproxy.binary().toString(), "-v").redirectErrorStream(true).start();
		String text = new String(version.getInputStream().readAllBytes());
		version.waitFor();
		return text.lines().findFirst().orElse("HAProxy");
	}


}

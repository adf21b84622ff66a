package io.github.busypool.e2e;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * busy-pool behind the nginx recipe ({@code nginx/busy-pool.conf}) against stock apps
 * behind a tuned nginx ({@code e2e/nginx/tuned.conf}), on a blip on one backend, a collapse
 * of every downstream, and a rolling restart; behind one nginx or two (each taking half the
 * load), with clients that give up after 1 s or 30 s and send that deadline
 * ({@code x-envoy-expected-rq-timeout-ms}, which stock apps ignore).
 * <p>
 * Three sample-app JVMs with 8 threads, downstreams at 200 ms, 60 requests a second (half of
 * the fleet's capacity) for 30 s. A recipe with {@code max_conns} = the threads (tried with
 * {@code -Dbench.nginx.recipe=FILE}) gets the threads divided among the nginx instances.
 * <p>
 * Run: {@code ./mvnw -q -pl sample-app,e2e -am package -DskipTests} then
 * {@code java -cp 'e2e/target/classes:e2e/target/lib/*' io.github.busypool.e2e.NginxBenchmark}
 * (about 15 minutes). Prints one line per run.
 */
public final class NginxBenchmark {

	private static final double RATE = 60;

	private static final Duration LENGTH = Duration.ofSeconds(30);

	private static final long NORMAL_MS = 200;

	private static final long SLOW_MS = 2000;

	private NginxBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Locale.setDefault(Locale.ROOT);
		Path directory = Files.createTempDirectory("busy-pool-nginx-bench");
		String only = System.getProperty("bench.scenarios", "blip,collapse,restart");
		System.out.printf("nginx benchmark, %s, %s%n", Nginx.version(), java.time.Instant.now());
		String modes = System.getProperty("bench.modes", "stock,busy-pool");
		for (boolean busyPool : new boolean[] { false, true }) {
			if (!modes.contains(busyPool ? "busy-pool" : "stock")) {
				continue;
			}
			try (Fleet fleet = Fleet.start(directory.resolve(busyPool ? "busy-pool" : "stock"), 3, busyPool, null,
					NORMAL_MS)) {
				warmUp(fleet, busyPool, directory);
				for (String scenario : only.split(",")) {
					for (int balancers : new int[] { 1, 2 }) {
						for (Duration timeout : scenario.equals("restart") ? List.of(Duration.ofSeconds(30))
								: List.of(Duration.ofSeconds(1), Duration.ofSeconds(30))) {
							run(fleet, busyPool, scenario, balancers, timeout, directory);
						}
					}
				}
			}
		}
	}

	private static void warmUp(Fleet fleet, boolean busyPool, Path directory) throws Exception {
		try (Balancers nginx = Balancers.start(fleet, busyPool, 1, directory.resolve("warm"))) {
			Load warm = new Load(nginx.targets(), RATE, Duration.ofSeconds(10), Duration.ofSeconds(10));
			warm.start();
			warm.await(Duration.ofSeconds(20));
		}
	}

	private static void run(Fleet fleet, boolean busyPool, String scenario, int balancers, Duration timeout,
			Path directory) throws Exception {
		fleet.resetLatencies();
		fleet.awaitQuiet(Duration.ofSeconds(60));
		for (Backend backend : fleet.backends) {
			backend.downstream.forgetArrivals();
		}
		Path dir = directory.resolve(scenario + "-" + balancers + "-" + timeout.toSeconds() + (busyPool ? "-bp" : "-stock"));
		try (Balancers nginx = Balancers.start(fleet, busyPool, balancers, dir)) {
			Load load = new Load(nginx.targets(), RATE, LENGTH, timeout).withDeadlineHeader();
			long start = load.start();
			int lost = 0;
			switch (scenario) {
				case "blip" -> {
					sleepUntil(start, 5_000);
					fleet.setLatency(0, SLOW_MS);
					sleepUntil(start, 17_000);
					fleet.resetLatencies();
				}
				case "collapse" -> {
					sleepUntil(start, 5_000);
					fleet.setLatencyEverywhere(SLOW_MS);
					sleepUntil(start, 13_000);
					fleet.resetLatencies();
				}
				case "restart" -> {
					sleepUntil(start, 3_000);
					for (int i = 0; i < fleet.backends.size(); i++) {
						fleet.restart(i);
						Thread.sleep(1_000);
					}
				}
				default -> throw new IllegalArgumentException(scenario);
			}
			if (!load.await(Duration.ofSeconds(30))) {
				throw new IllegalStateException("The load did not finish");
			}
			print(fleet, busyPool, scenario, balancers, timeout, load);
		}
	}

	private static void print(Fleet fleet, boolean busyPool, String scenario, int balancers, Duration timeout,
			Load load) {
		int ok = 0;
		int fast = 0;
		int slowFailure = 0;
		int silent = 0;
		List<Long> okNanos = new ArrayList<>();
		for (int i = 0; i < load.count; i++) {
			int status = load.status[i];
			if (status == 200) {
				ok++;
				okNanos.add(load.latency[i]);
			}
			else if (status == Load.TIMEOUT || status == Load.ERROR) {
				silent++;
			}
			else if (load.latency[i] <= 500_000_000L) {
				fast++;
			}
			else {
				slowFailure++;
			}
		}
		Latencies latencies = Latencies.ofNanos(okNanos.stream().mapToLong(Long::longValue).toArray());
		int slowCalls = fleet.backends.stream().mapToInt((b) -> b.downstream.slowCalls()).sum();
		int metSlowApp1 = fleet.backends.get(0).downstream.slowCalls();
		System.out.printf("%-9s %-8s nginx x%d clients %2ds: sent %d, ok %d (%.1f%%), told within 0.5 s %d, "
				+ "failed later %d, no answer %d; ok p50 %.0f ms p99 %.0f ms; slow downstream calls %d (app1 %d)%n",
				busyPool ? "busy-pool" : "stock", scenario, balancers, timeout.toSeconds(), load.count, ok,
				100.0 * ok / load.count, fast, slowFailure, silent, latencies.percentileMs(50),
				latencies.percentileMs(99), slowCalls, metSlowApp1);
	}

	private static void sleepUntil(long start, long millis) throws InterruptedException {
		long wait = start + millis * 1_000_000L - System.nanoTime();
		if (wait > 0) {
			Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
		}
	}

	/** One or more nginx instances in front of the fleet, each with its own port. */
	private static final class Balancers implements AutoCloseable {

		private final List<Nginx> instances = new ArrayList<>();

		static Balancers start(Fleet fleet, boolean busyPool, int count, Path directory) throws Exception {
			Balancers balancers = new Balancers();
			// -Dbench.nginx.recipe=FILE tries another recipe for busy-pool.
			Path recipe = busyPool
					? Path.of(System.getProperty("bench.nginx.recipe",
							Ports.repository().resolve("nginx/busy-pool.conf").toString()))
					: Ports.repository().resolve("e2e/nginx/tuned.conf");
			for (int i = 1; i <= count; i++) {
				Path dir = Files.createDirectories(directory.resolve("nginx" + i));
				Path config = recipe;
				if (busyPool && count > 1) {
					// max_conns: the threads divided among the nginx instances.
					config = dir.resolve("recipe.conf");
					Files.writeString(config, Files.readString(recipe)
						.replace("max_conns=" + Backend.THREADS, "max_conns=" + (Backend.THREADS / count)));
				}
				balancers.instances.add(Nginx.start(config, dir, fleet.backends));
			}
			return balancers;
		}

		List<URI> targets() {
			return this.instances.stream()
				.map((nginx) -> URI.create("http://127.0.0.1:" + nginx.port + "/api/quote"))
				.toList();
		}

		@Override
		public void close() throws Exception {
			for (Nginx nginx : this.instances) {
				nginx.close();
			}
		}

	}

}

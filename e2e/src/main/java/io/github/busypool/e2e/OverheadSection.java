package io.github.busypool.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The report's section on the overhead with no blip: {@code GET /} on one backend of each kind,
 * open-model latency and closed-loop throughput, in alternating rounds.
 */
final class OverheadSection {

	private final Report report;

	private final boolean quick;

	OverheadSection(Report report, boolean quick) {
		this.report = report;
		this.quick = quick;
	}

	void run(Backend stock, Backend busy) throws Exception {
		this.report.line("## Overhead with no blip: `GET /`, stock vs busy-pool");
		this.report.line("");
		this.report.line("One backend of each kind, straight to Tomcat (no HAProxy), alternating runs in one session. "
				+ "Open model at 200 req/s for latency; 8 closed-loop clients for throughput.");
		this.report.line("");
		this.report.line("| round | app | p50 | p99 | p99.9 | max | closed-loop throughput |");
		this.report.line("|---|---|---|---|---|---|---|");
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
				this.report.line(String.format("| %d | %s | %s | %s | %s | %s | %.0f req/s |", round,
						(backend == stock) ? "stock" : "busy-pool", Result.ms(Result.percentile(latencies, 50)),
						Result.ms(Result.percentile(latencies, 99)), Result.ms(Result.percentile(latencies, 99.9)),
						Result.ms(Result.percentile(latencies, 100)), throughput));
			}
		}
		this.report.line("");
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

}

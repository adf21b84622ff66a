package io.github.busypool.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import static io.github.busypool.e2e.FleetBenchmark.RATE;
import static io.github.busypool.e2e.FleetBenchmark.NORMAL_MS;

/**
 * The report's overload section: the whole fleet 10 times slower for 8 s, with clients of
 * several patiences, behind one or several HAProxies.
 */
final class OverloadSection {

	/** Client timeouts of the overload section, in seconds. */
	static final List<Integer> TIMEOUTS = List.of(1, 3, 30);

	private final Report report;

	private final Path out;

	private final List<Mode> modes;

	private final List<Boolean> deadlines;

	OverloadSection(Report report, Path out, List<Mode> modes) {
		this(report, out, modes, List.of(false, true));
	}

	/**
	 * @param deadlines whether busy-pool's runs have clients that send no deadline
	 * ({@code false}), send theirs ({@code true}), or both; stock and expert ignore it and
	 * run once
	 */
	OverloadSection(Report report, Path out, List<Mode> modes, List<Boolean> deadlines) {
		this.report = report;
		this.out = out;
		this.modes = modes;
		this.deadlines = deadlines;
	}

	/** The collapse: every downstream 10 times slower for 8 s, 25 s of load. */
	static Scenario collapse() {
		return Scenario.collapse(Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(25), 10 * NORMAL_MS);
	}

	/** What the fleet serves of the collapse with hindsight, for clients that wait {@code timeout}. */
	static int limit(int timeoutSeconds) {
		Scenario collapse = collapse();
		return PhysicalLimit.served(RATE, (int) Math.round(RATE * collapse.length.toSeconds()), 3 * Backend.THREADS,
				NORMAL_MS, 10 * NORMAL_MS, 5_000, 13_000, timeoutSeconds * 1000L);
	}

	void run(Fleet stock, Fleet busy, List<Integer> timeouts, List<Integer> balancers) throws Exception {
		this.report.line("## Overload: the whole fleet 10 times slower for 8 s");
		this.report.line("");
		this.report.line(String.format("%.0f req/s for 25 s; from 5 s to 13 s every downstream answers in %d ms instead of %d ms, "
				+ "so the fleet can serve %d req/s. Stock: `e2e/haproxy/stock.cfg`; expert: "
				+ "`e2e/haproxy/expert.cfg` (timeout queue 2s); check port and agent: the recipes as shipped. "
				+ "\"deadline\": the clients send theirs (`x-envoy-expected-rq-timeout-ms`). \"limit\": what "
				+ "the fleet serves with hindsight (`PhysicalLimit`: earliest deadline first, knowing each call's "
				+ "time when it starts). \"told\": not served, answered with an error within 0.5 s of when "
				+ "the request was due.", RATE, 10 * NORMAL_MS, NORMAL_MS, 3 * Backend.THREADS * 1000 / (10 * NORMAL_MS)));
		this.report.line("");
		this.report.line("| HAProxies | client timeout | limit | mode | deadline | served | of the limit | not served "
				+ "| told within 0.5 s | error p50 / p90 | silent | run for nobody | max busypool.queue.size |");
		this.report.line("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
		for (int count : balancers) {
			for (int timeout : timeouts) {
				int limit = limit(timeout);
				for (Mode mode : this.modes) {
					for (boolean deadline : mode.busyPool ? this.deadlines : List.of(false)) {
						Fleet fleet = mode.busyPool ? busy : stock;
						Scenario scenario = (count > 1) ? collapse().behind(count) : collapse();
						fleet.route(mode, count);
						fleet.awaitQuiet(Duration.ofSeconds(90));
						Result r = scenario.run(fleet, RATE, Duration.ofSeconds(timeout), deadline);
						System.out.println(r.summary());
						r.writeCsv(this.out, mode.label + (deadline ? "-deadline" : "") + "-collapse-" + count + "lb-"
								+ timeout + "s");
						String pool = mode.busyPool ? IntStream.range(0, fleet.backends.size())
							.mapToObj((i) -> Long.toString(r.maxPoolQueue(i))).collect(Collectors.joining("/")) : "-";
						this.report.line(String.format(
								"| %d | %d s | %d | %s | %s | %d | %.0f%% | %d | %d (%.0f%%) | %s / %s | %d | %d | %s |",
								count, timeout, limit, mode.label, deadline ? "sent" : "-", r.ok(),
								100.0 * r.ok() / limit, r.failed(), r.toldWithin(500),
								100.0 * r.toldWithin(500) / Math.max(1, r.failed()), Result.ms(r.errorLatencyMs(50)),
								Result.ms(r.errorLatencyMs(90)), r.silent(), r.ranAfterGiveUp(), pool));
					}
				}
			}
		}
		this.report.line("");
	}

}

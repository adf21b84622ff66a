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

	OverloadSection(Report report, Path out, List<Mode> modes) {
		this.report = report;
		this.out = out;
		this.modes = modes;
	}

	/** The collapse: every downstream 10 times slower for 8 s, 25 s of load. */
	static Scenario collapse() {
		return Scenario.collapse(Duration.ofSeconds(5), Duration.ofSeconds(8), Duration.ofSeconds(25), 10 * NORMAL_MS);
	}

	void run(Fleet stock, Fleet busy, List<Integer> timeouts, List<Integer> balancers) throws Exception {
		this.report.line("## Overload: the whole fleet 10 times slower for 8 s");
		this.report.line("");
		this.report.line(String.format("%.0f req/s for 25 s; from 5 s to 13 s every downstream answers in %d ms instead of %d ms, "
				+ "so the fleet can serve %d req/s. Stock: `e2e/haproxy/stock.cfg`; expert: "
				+ "`e2e/haproxy/expert.cfg` (timeout queue 2s); check port and agent: the recipes as shipped.", RATE, 10 * NORMAL_MS, NORMAL_MS,
				3 * Backend.THREADS * 1000 / (10 * NORMAL_MS)));
		this.report.line("");
		this.report.line("| HAProxies | client timeout | mode | served | not served | answered with an error | error p50 / p90 "
				+ "| silent | run for nobody | max busypool.queue.size |");
		this.report.line("|---|---|---|---|---|---|---|---|---|---|");
		for (int count : balancers) {
			for (int timeout : timeouts) {
				for (Mode mode : this.modes) {
					Fleet fleet = mode.busyPool ? busy : stock;
					Scenario scenario = (count > 1) ? collapse().behind(count) : collapse();
					fleet.route(mode, count);
					fleet.awaitQuiet(Duration.ofSeconds(90));
					Result r = scenario.run(fleet, RATE, Duration.ofSeconds(timeout));
					System.out.println(r.summary());
					r.writeCsv(this.out, mode.label + "-collapse-" + count + "lb-" + timeout + "s");
					String pool = mode.busyPool ? IntStream.range(0, fleet.backends.size())
						.mapToObj((i) -> Long.toString(r.maxPoolQueue(i))).collect(Collectors.joining("/")) : "-";
					this.report.line(String.format("| %d | %d s | %s | %d | %d | %d (%.0f%%) | %s / %s | %d | %d | %s |", count, timeout,
							mode.label, r.ok(), r.failed(), r.answeredError(),
							100.0 * r.answeredError() / Math.max(1, r.failed()), Result.ms(r.errorLatencyMs(50)),
							Result.ms(r.errorLatencyMs(90)), r.silent(), r.ranAfterGiveUp(), pool));
				}
			}
		}
		this.report.line("");
	}

}

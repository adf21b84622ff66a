package io.github.busypool.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import static io.github.busypool.e2e.FleetBenchmark.RATE;
import static io.github.busypool.e2e.FleetBenchmark.CLIENT_TIMEOUT;
import static io.github.busypool.e2e.FleetBenchmark.SLOW_MS;

/**
 * The report's scenarios: a blip on one backend, on every backend (behind one HAProxy and
 * two), and a rolling restart, under each mode; a table, CSV series and charts for each.
 */
final class ScenarioSection {

	private final Report report;

	private final Path out;

	private final boolean quick;

	ScenarioSection(Report report, Path out, boolean quick) {
		this.report = report;
		this.out = out;
		this.quick = quick;
	}

	void run(Fleet stock, Fleet busy) throws Exception {
		Duration blip = Duration.ofSeconds(this.quick ? 12 : 30);
		Duration length = Duration.ofSeconds(this.quick ? 30 : 60);
		List<Scenario> scenarios = List.of(
				Scenario.blipOne(0, Duration.ofSeconds(5), blip, length, SLOW_MS),
				Scenario.blipEverywhere(Duration.ofSeconds(5), blip, length, SLOW_MS),
				Scenario.blipEverywhere(Duration.ofSeconds(5), blip, length, SLOW_MS).behind(2),
				Scenario.rollingRestart(Duration.ofSeconds(3), Duration.ofSeconds(2),
						Duration.ofSeconds(this.quick ? 100 : 110)));
		Map<String, List<Result>> byScenario = new LinkedHashMap<>();
		for (Mode mode : List.of(Mode.STOCK, Mode.EXPERT, Mode.CHECK_PORT, Mode.AGENT)) {
			Fleet fleet = mode.busyPool ? busy : stock;
			for (Scenario scenario : scenarios) {
				fleet.route(mode, scenario.balancers);
				fleet.awaitQuiet(Duration.ofSeconds(90));
				Result result = scenario.run(fleet, RATE, CLIENT_TIMEOUT);
				System.out.println(result.summary());
				String prefix = mode.label + "-" + Report.slug(scenario.name);
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
				String file = "compare-" + Report.slug(entry.getKey()) + ".png";
				Result first = entry.getValue().get(0);
				Charts.compare(this.out, entry.getKey(),
						entry.getValue().stream().map((r) -> r.mode.label + "-" + Report.slug(entry.getKey())).toList(),
						entry.getValue().stream().map((r) -> r.mode.label).toList(), stock.backends.size(),
						first.events, first.scenario.length.toMillis(), this.out.resolve(file));
				this.report.line("![" + entry.getKey() + "](" + file + ")");
				this.report.line("");
			}
		}
	}

	private void table(String scenario, List<Result> results) {
		Result first = results.get(0);
		this.report.line("## Scenario: " + scenario);
		this.report.line("");
		this.report.line(String.format("%d s of load, events at %s.", first.scenario.length.toSeconds(),
				String.join(", ", first.events.entrySet().stream().map((e) -> e.getKey() + " " + Result.ms(e.getValue())).toList())));
		this.report.line("");
		this.report.line("| mode | ok | failed | p50 | p99 | max | failures took (p50 / max) "
				+ "| max Tomcat queue (app1/2/3) | max HAProxy queue | ran after client gave up "
				+ "| slow backend left / rejoined | servers DOWN |");
		this.report.line("|---|---|---|---|---|---|---|---|---|---|---|---|");
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
			this.report.line(String.format("| %s | %.2f%% | %d (%s) | %s | %s | %s | %s / %s | %d/%d/%d | %d | %d | %s | %s |",
					r.mode.label, 100.0 * r.ok() / r.sent(), r.failed(), r.failureKinds(),
					Result.ms(r.latencyMs(50)), Result.ms(r.latencyMs(99)), Result.ms(r.latencyMs(100)),
					Result.ms(r.failLatencyMs(50)), Result.ms(r.failLatencyMs(100)), r.maxTomcatQueue(0),
					r.maxTomcatQueue(1), r.maxTomcatQueue(2), r.maxHaproxyQueue(), r.ranAfterGiveUp(), rotation,
					r.downServers().isEmpty() ? "none" : String.join(", ", r.downServers())));
		}
		this.report.line("");
		for (Result r : results) {
			String prefix = r.mode.label + "-" + Report.slug(scenario);
			this.report.line("- " + r.mode.label + ": [chart](" + prefix + ".png), [servers CSV](" + prefix + "-servers.csv), "
					+ "[requests CSV](" + prefix + "-requests.csv)");
		}
		this.report.line("");
	}

}

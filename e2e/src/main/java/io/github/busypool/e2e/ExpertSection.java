package io.github.busypool.e2e;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import static io.github.busypool.e2e.FleetBenchmark.NORMAL_MS;
import static io.github.busypool.e2e.FleetBenchmark.RATE;

/**
 * busy-pool with its default properties against the expert set-up, where they differ
 * most: a blip on one backend (10 and 3 times slower, behind 1, 2 and 4 HAProxies), an
 * uneven but healthy fleet, and restarts (one backend, and each in turn) with 3 s and 30 s
 * clients. The busy-pool fleet runs with busy-pool's default properties, drain delay included,
 * as a new user's would.
 */
final class ExpertSection {

	/** How long after a restarted backend is back its first requests are watched (a cold JVM). */
	static final long WARM_UP_WINDOW_MS = 15_000;

	/** The set-up: clients that give up after 3 s. */
	static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(3);

	private final Report report;

	private final Path out;

	private final List<Integer> balancers;

	private final List<Integer> timeouts;

	private final List<Mode> modes;

	ExpertSection(Report report, Path out, List<Integer> balancers, List<Integer> timeouts, List<Mode> modes) {
		this.report = report;
		this.out = out;
		this.balancers = balancers;
		this.timeouts = timeouts;
		this.modes = modes;
	}

	void run(Path work, List<String> parts) throws Exception {
		if (parts.contains("blip")) {
			try (Fleet stock = Fleet.start(work.resolve("x-stock"), false, Duration.ZERO, NORMAL_MS, NORMAL_MS, NORMAL_MS);
					Fleet busy = Fleet.start(work.resolve("x-busy"), true, null, NORMAL_MS, NORMAL_MS, NORMAL_MS)) {
				stock.warmUp(Mode.EXPERT, RATE, Duration.ofSeconds(10));
				busy.warmUp(Mode.AGENT, RATE, Duration.ofSeconds(10));
				blips(stock, busy);
				if (parts.contains("restart")) {
					restarts(stock, busy);
				}
			}
		}
		else if (parts.contains("restart")) {
			try (Fleet stock = Fleet.start(work.resolve("x-stock"), false, Duration.ZERO, NORMAL_MS, NORMAL_MS, NORMAL_MS);
					Fleet busy = Fleet.start(work.resolve("x-busy"), true, null, NORMAL_MS, NORMAL_MS, NORMAL_MS)) {
				stock.warmUp(Mode.EXPERT, RATE, Duration.ofSeconds(10));
				busy.warmUp(Mode.AGENT, RATE, Duration.ofSeconds(10));
				restarts(stock, busy);
			}
		}
		if (parts.contains("uneven")) {
			uneven(work);
		}
	}

	private void blips(Fleet stock, Fleet busy) throws Exception {
		this.report.line("## Blip on one backend, against the expert");
		this.report.line("");
		this.report.line(String.format("%.0f req/s for 40 s, clients give up after %d s; app1's downstream answers in "
				+ "10x or 3x its %d ms from 10 s to 20 s. 'Met the slow call': requests whose downstream call began "
				+ "while it was slow. Before anything can tell, about %.0f requests must meet it (app1's share of the "
				+ "load during the first %d ms of the blip, before any slow request has outlived a normal one).",
				RATE, CLIENT_TIMEOUT.toSeconds(), NORMAL_MS, RATE / 3 * NORMAL_MS / 1000.0, NORMAL_MS));
		this.report.line("");
		this.report.line("| slow call | HAProxies | mode | lost | met the slow call | p50 | p99 | p99 before the blip "
				+ "| app1's weight back to 90 % |");
		this.report.line("|---|---|---|---|---|---|---|---|---|");
		for (long factor : List.of(10L, 3L)) {
			for (int count : this.balancers) {
				for (Mode mode : this.modes) {
					if (mode == Mode.STOCK) {
						continue;
					}
					Fleet fleet = mode.busyPool ? busy : stock;
					Scenario blip = Scenario.blipOne(0, Duration.ofSeconds(10), Duration.ofSeconds(10),
							Duration.ofSeconds(40), factor * NORMAL_MS);
					Scenario scenario = (count > 1) ? blip.behind(count) : blip;
					Result r = run(fleet, mode, scenario, CLIENT_TIMEOUT,
							mode.label + "-blip-" + factor + "x-" + count + "lb");
					int slow = fleet.backends.get(0).downstream.slowCalls();
					OptionalLong back = weightBack(r, 0, r.event("blip start"), r.event("blip end"));
					this.report.line(String.format("| %dx (%d ms) | %d | %s | %d | %d (%.2f%%) | %s | %s | %s | %s |",
							factor, factor * NORMAL_MS, count, mode.label, r.failed(), slow, 100.0 * slow / r.sent(),
							Result.ms(r.latencyMs(50)), Result.ms(r.latencyMs(99)),
							Result.ms(r.latencyMsDueBetween(99, 0, r.event("blip start"))),
							back.isPresent() ? Result.ms(back.getAsLong()) + " after" : "-"));
				}
			}
		}
		this.report.line("");
	}

	private void restarts(Fleet stock, Fleet busy) throws Exception {
		this.report.line("## Restarts with the default properties, against the expert");
		this.report.line("");
		this.report.line(String.format("%.0f req/s. One restart: app1 gets SIGTERM at 5 s, 30 s of load. Rolling: each "
				+ "backend in turn, 2 s apart once HAProxy has it back. busy-pool's drain delay is left at its default.", RATE));
		this.report.line("");
		this.report.line("| restart | client timeout | mode | lost | failures | p99 | p99 before the stop | p99 in the 15 s "
				+ "after app1 was back |");
		this.report.line("|---|---|---|---|---|---|---|---|");
		for (int timeout : this.timeouts) {
			for (Scenario scenario : List.of(Scenario.restartOne(0, Duration.ofSeconds(5), Duration.ofSeconds(30)),
					Scenario.rollingRestart(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(100)))) {
				for (Mode mode : this.modes) {
					if (mode == Mode.STOCK) {
						continue;
					}
					Fleet fleet = mode.busyPool ? busy : stock;
					Result r = run(fleet, mode, scenario, Duration.ofSeconds(timeout),
							mode.label + "-" + Report.slug(scenario.name) + "-" + timeout + "s");
					Long stop = r.events.get("stop");
					Long back = r.events.get("back");
					this.report.line(String.format("| %s | %d s | %s | %d | %s | %s | %s | %s |", scenario.name, timeout,
							mode.label, r.failed(), r.failureKinds(), Result.ms(r.latencyMs(99)),
							(stop != null) ? Result.ms(r.latencyMsDueBetween(99, 0, stop)) : "-",
							(back != null) ? Result.ms(r.latencyMsDueBetween(99, back, back + WARM_UP_WINDOW_MS)) : "-"));
					fleet.warmUp(mode.busyPool ? Mode.AGENT : Mode.EXPERT, RATE, Duration.ofSeconds(8));
				}
			}
		}
		this.report.line("");
	}

	private void uneven(Path work) throws Exception {
		this.report.line("## An uneven but healthy fleet, against the expert");
		this.report.line("");
		this.report.line(String.format("Downstreams of 150, 200 and 300 ms from the start; %.0f req/s for 40 s, "
				+ "clients give up after %d s.", RATE, CLIENT_TIMEOUT.toSeconds()));
		this.report.line("");
		this.report.line("| HAProxies | mode | lost | share app1/app2/app3 | p50 | p99 |");
		this.report.line("|---|---|---|---|---|---|");
		try (Fleet stock = Fleet.start(work.resolve("u-stock"), false, Duration.ZERO, 150, 200, 300);
				Fleet busy = Fleet.start(work.resolve("u-busy"), true, null, 150, 200, 300)) {
			stock.warmUp(Mode.EXPERT, RATE, Duration.ofSeconds(15));
			busy.warmUp(Mode.AGENT, RATE, Duration.ofSeconds(15));
			for (int count : this.balancers) {
				for (Mode mode : this.modes) {
					if (mode == Mode.STOCK) {
						continue;
					}
					Fleet fleet = mode.busyPool ? busy : stock;
					Scenario steady = Scenario.steady("uneven fleet", Duration.ofSeconds(40));
					Result r = run(fleet, mode, (count > 1) ? steady.behind(count) : steady, CLIENT_TIMEOUT,
							mode.label + "-uneven-" + count + "lb");
					long end = r.scenario.length.toMillis();
					this.report.line(String.format("| %d | %s | %d | %.0f%% / %.0f%% / %.0f%% | %s | %s |", count,
							mode.label, r.failed(), 100 * r.share(0, 0, end), 100 * r.share(1, 0, end),
							100 * r.share(2, 0, end), Result.ms(r.latencyMs(50)), Result.ms(r.latencyMs(99))));
				}
			}
		}
		this.report.line("");
	}

	private Result run(Fleet fleet, Mode mode, Scenario scenario, Duration timeout, String prefix) throws Exception {
		fleet.route(mode, scenario.balancers);
		fleet.awaitQuiet(Duration.ofSeconds(90));
		Result r = scenario.run(fleet, RATE, timeout);
		System.out.println(r.summary());
		r.writeCsv(this.out, prefix);
		if (Charts.available()) {
			Charts.run(this.out, prefix, mode.label + ": " + scenario.name, fleet.backends.size(), r.events,
					scenario.length.toMillis());
		}
		return r;
	}

	/**
	 * How long after {@code fromMs} HAProxy had the backend back at 90 % of its median weight
	 * before {@code blipMs}, having had it lower; empty if it never fell or never came back.
	 */
	static OptionalLong weightBack(Result r, int backend, long blipMs, long fromMs) {
		int[] before = r.samples.stream().filter((s) -> s.millis() >= blipMs - 5000 && s.millis() < blipMs)
			.map((s) -> s.servers().get(backend)).filter((s) -> s != null).mapToInt(Sampler.Server::weight).sorted()
			.toArray();
		if (before.length == 0) {
			return OptionalLong.empty();
		}
		int target = (int) Math.ceil(0.9 * before[before.length / 2]);
		for (Sampler.Sample sample : r.samples) {
			Sampler.Server server = sample.servers().get(backend);
			if (sample.millis() >= fromMs && server != null && server.status().startsWith("UP")
					&& server.weight() >= target) {
				return OptionalLong.of(sample.millis() - fromMs);
			}
		}
		return OptionalLong.empty();
	}

}

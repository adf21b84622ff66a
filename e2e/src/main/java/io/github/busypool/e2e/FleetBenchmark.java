package io.github.busypool.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fleet benchmark: the e2e scenarios, longer, under four modes (stock, expert, check port,
 * agent), plus check answer times under saturation, the CPU a check costs, the overhead with
 * no blip, and overload. Writes a markdown report ({@link Report}), CSV series and PNG charts
 * ({@link Charts}); each section is a class of its own.
 * <p>
 * Run it with {@code e2e/fleet-benchmark} ({@code --quick} for the e2e lengths,
 * {@code --scenarios} for the scenarios only, {@code --overhead} or {@code --overload} for
 * those sections only).
 */
public final class FleetBenchmark {

	static final double RATE = 60;

	static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

	static final long NORMAL_MS = 200;

	static final long SLOW_MS = 3000;

	/** At least inter x fall (6 s), so that a check-port HAProxy sees "draining" before the stop. */
	static final Duration DRAIN_DELAY = Duration.ofSeconds(7);

	private static final List<Mode> MODES = List.of(Mode.STOCK, Mode.EXPERT, Mode.CHECK_PORT, Mode.AGENT);

	private final Path out;

	private final boolean quick;

	private final Report report = new Report();

	private FleetBenchmark(Path out, boolean quick) {
		this.out = out;
		this.quick = quick;
	}

	public static void main(String[] args) throws Exception {
		Locale.setDefault(Locale.ROOT);
		Path out = Ports.repository().resolve("e2e/target/report");
		boolean quick = false;
		String only = "";
		List<Integer> timeouts = OverloadSection.TIMEOUTS;
		List<Integer> balancers = List.of(1, 2, 4);
		List<Mode> modes = MODES;
		List<String> parts = List.of("blip", "restart", "uneven");
		List<Boolean> deadlines = List.of(false, true);
		for (int i = 0; i < args.length; i++) {
			switch (args[i]) {
				case "--quick" -> quick = true;
				case "--overhead" -> only = "overhead";
				case "--scenarios" -> only = "scenarios";
				case "--overload" -> only = "overload";
				case "--expert" -> only = "expert";
				case "--deadlines" -> deadlines = Arrays.stream(args[++i].split(","))
					.map((d) -> switch (d.trim()) {
						case "with" -> true;
						case "without" -> false;
						default -> throw new IllegalArgumentException("--deadlines takes with, without or both");
					})
					.toList();
				case "--parts" -> parts = Arrays.stream(args[++i].split(",")).map(String::trim).toList();
				case "--out" -> out = Path.of(args[++i]);
				case "--timeouts" -> timeouts = numbers(args[++i]);
				case "--balancers" -> balancers = numbers(args[++i]);
				case "--modes" -> modes = Arrays.stream(args[++i].split(","))
					.map((m) -> Mode.valueOf(m.trim().toUpperCase(Locale.ROOT).replace('-', '_')))
					.toList();
				default -> {
					System.err.println("usage: e2e/fleet-benchmark [--quick] [--out DIR] [--scenarios | --overhead | "
							+ "--overload [--timeouts 1,3,30] [--balancers 1,2,4] [--modes stock,expert,check-port,agent] [--deadlines without,with] | "
							+ "--expert [--parts blip,restart,uneven] [--balancers 1,2,4] [--timeouts 3,30] [--modes ...]]");
					System.exit(2);
				}
			}
		}
		Files.createDirectories(out);
		if (only.equals("expert")) {
			FleetBenchmark bench = new FleetBenchmark(out.toAbsolutePath(), quick);
			bench.report.header(quick);
			long started = System.nanoTime();
			List<Mode> against = modes.equals(MODES) ? List.of(Mode.EXPERT, Mode.AGENT, Mode.CHECK_PORT) : modes;
			new ExpertSection(bench.report, out.toAbsolutePath(), balancers,
					timeouts.equals(OverloadSection.TIMEOUTS) ? List.of(3, 30) : timeouts, against)
				.run(Files.createTempDirectory("busy-pool-bench"), parts);
			bench.report.line(String.format("The whole run took %.1f minutes.", (System.nanoTime() - started) / 60e9));
			System.out.println("Report: " + bench.report.write(out));
			return;
		}
		new FleetBenchmark(out.toAbsolutePath(), quick).run(only, timeouts, balancers, modes, deadlines);
	}

	private void run(String only, List<Integer> timeouts, List<Integer> balancers, List<Mode> modes,
			List<Boolean> deadlines) throws Exception {
		long started = System.nanoTime();
		this.report.header(this.quick);
		Path work = Files.createTempDirectory("busy-pool-bench");
		if (only.equals("overhead")) {
			try (Fleet stock = Fleet.start(work.resolve("stock"), 1, false, Duration.ZERO, NORMAL_MS);
					Fleet busy = Fleet.start(work.resolve("busy-pool"), 1, true, DRAIN_DELAY, NORMAL_MS)) {
				new OverheadSection(this.report, this.quick).run(stock.backends.get(0), busy.backends.get(0));
			}
		}
		else {
			try (Fleet stock = Fleet.start(work.resolve("stock"), 3, false, Duration.ZERO, NORMAL_MS);
					Fleet busy = Fleet.start(work.resolve("busy-pool"), 3, true, DRAIN_DELAY, NORMAL_MS)) {
				if (!only.isEmpty()) {
					// Without the sections before, which warm the JVMs up.
					stock.warmUp(Mode.STOCK, RATE, Duration.ofSeconds(10));
					busy.warmUp(Mode.AGENT, RATE, Duration.ofSeconds(10));
				}
				if (only.isEmpty()) {
					new OverheadSection(this.report, this.quick).run(stock.backends.get(0), busy.backends.get(0));
					new CheckCostSection(this.report, this.quick).run(stock.backends.get(0), busy.backends.get(0));
					new SaturatedCheckSection(this.report).run(work, busy.backends.get(1));
				}
				if (only.isEmpty() || only.equals("scenarios")) {
					new ScenarioSection(this.report, this.out, this.quick).run(stock, busy);
				}
				if (only.isEmpty() || only.equals("overload")) {
					new OverloadSection(this.report, this.out, modes, deadlines).run(stock, busy, timeouts, balancers);
				}
			}
		}
		this.report.line("");
		this.report.line(String.format("The whole run took %.1f minutes.", (System.nanoTime() - started) / 60e9));
		System.out.println("Report: " + this.report.write(this.out));
	}

	private static List<Integer> numbers(String list) {
		return Arrays.stream(list.split(",")).map(String::trim).map(Integer::valueOf).toList();
	}

}

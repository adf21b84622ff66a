package io.github.busypool.e2e;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A load through HAProxy to {@code /api/quote} at a fixed rate, while a script changes the
 * fleet (slows downstreams, restarts backends) at set times.
 */
final class Scenario {

	/** What the scenario does to the fleet while the load runs. */
	interface Script {

		void run(Fleet fleet, Clock clock) throws Exception;

	}

	/** Time since the load started, and named instants of the scenario. */
	static final class Clock {

		private final long originNanos;

		private final Map<String, Long> events = new LinkedHashMap<>();

		Clock(long originNanos) {
			this.originNanos = originNanos;
		}

		long millis() {
			return (System.nanoTime() - this.originNanos) / 1_000_000;
		}

		void sleepUntil(Duration offset) throws InterruptedException {
			long wait = offset.toMillis() - millis();
			if (wait > 0) {
				Thread.sleep(wait);
			}
		}

		void mark(String event) {
			synchronized (this.events) {
				this.events.put(event, millis());
			}
		}

		Map<String, Long> events() {
			synchronized (this.events) {
				return new LinkedHashMap<>(this.events);
			}
		}

	}

	final String name;

	final Duration length;

	/** The backend a blip targets, or -1 when it hits every backend or none. */
	final int target;

	/** How many HAProxy instances share the load. */
	final int balancers;

	private final Script script;

	private Scenario(String name, Duration length, int target, int balancers, Script script) {
		this.name = name;
		this.length = length;
		this.target = target;
		this.balancers = balancers;
		this.script = script;
	}

	private Scenario(String name, Duration length, int target, Script script) {
		this(name, length, target, 1, script);
	}

	/** The same scenario with the load split evenly over {@code count} HAProxy instances. */
	Scenario behind(int count) {
		return new Scenario(this.name + ", " + count + " HAProxies", this.length, this.target, count, this.script);
	}

	/** The downstream of backend {@code target} answers in {@code slowMs} from {@code at} for {@code blip}. */
	static Scenario blipOne(int target, Duration at, Duration blip, Duration length, long slowMs) {
		return new Scenario("blip on one backend", length, target, (fleet, clock) -> {
			clock.sleepUntil(at);
			fleet.setLatency(target, slowMs);
			clock.mark("blip start");
			clock.sleepUntil(at.plus(blip));
			fleet.resetLatencies();
			clock.mark("blip end");
		});
	}

	/** Every downstream answers in {@code slowMs} from {@code at} for {@code blip}. */
	static Scenario blipEverywhere(Duration at, Duration blip, Duration length, long slowMs) {
		return new Scenario("blip on every backend", length, -1, (fleet, clock) -> {
			clock.sleepUntil(at);
			fleet.setLatencyEverywhere(slowMs);
			clock.mark("blip start");
			clock.sleepUntil(at.plus(blip));
			fleet.resetLatencies();
			clock.mark("blip end");
		});
	}

	/** Nothing changes: the fleet as it is (uneven, say) for {@code length}. */
	static Scenario steady(String name, Duration length) {
		return new Scenario(name, length, -1, (fleet, clock) -> {
		});
	}

	/** One backend gets SIGTERM at {@code at}, is started again and waited for until HAProxy has it back. */
	static Scenario restartOne(int target, Duration at, Duration length) {
		return new Scenario("restart", length, -1, (fleet, clock) -> {
			clock.sleepUntil(at);
			clock.mark("stop");
			fleet.restart(target);
			clock.mark("back");
		});
	}

	/** The same scenario under another name. */
	Scenario named(String other) {
		return new Scenario(other, this.length, this.target, this.balancers, this.script);
	}

	/**
	 * A capacity collapse: every downstream answers in {@code slowMs} from {@code at} for
	 * {@code blip}, so that the whole fleet can serve far less than the load.
	 */
	static Scenario collapse(Duration at, Duration blip, Duration length, long slowMs) {
		Scenario every = blipEverywhere(at, blip, length, slowMs);
		return new Scenario("collapse", length, -1, every.script);
	}

	/**
	 * From {@code at}, each backend in turn gets SIGTERM, is started again, and is waited for
	 * until HAProxy has it back in rotation; then {@code pause}, then the next.
	 */
	static Scenario rollingRestart(Duration at, Duration pause, Duration length) {
		return new Scenario("rolling restart", length, -1, (fleet, clock) -> {
			clock.sleepUntil(at);
			for (int i = 0; i < fleet.backends.size(); i++) {
				String name = fleet.backends.get(i).name;
				clock.mark(name + " stop");
				fleet.restart(i);
				clock.mark(name + " back");
				Thread.sleep(pause.toMillis());
			}
			if (clock.millis() > length.toMillis()) {
				throw new IllegalStateException("The restarts took " + clock.millis() + " ms, longer than the load ("
						+ length + ")");
			}
		});
	}

	/** Runs the scenario on the fleet as it is routed now, and returns everything that was seen. */
	Result run(Fleet fleet, double rate, Duration timeout) throws Exception {
		return run(fleet, rate, timeout, false);
	}

	/**
	 * Runs the scenario on the fleet as it is routed now, with clients that send their
	 * deadline or not, and returns everything that was seen.
	 */
	Result run(Fleet fleet, double rate, Duration timeout, boolean deadlines) throws Exception {
		for (Backend backend : fleet.backends) {
			backend.downstream.forgetArrivals();
		}
		if (fleet.balancers().size() != this.balancers) {
			throw new IllegalStateException("'" + this.name + "' needs " + this.balancers + " HAProxy instances");
		}
		Load load = new Load(fleet.balancers().stream()
			.map((haproxy) -> URI.create("http://127.0.0.1:" + haproxy.port + "/api/quote"))
			.toList(), rate, this.length, timeout);
		if (deadlines) {
			load.withDeadlineHeader();
		}
		long origin = load.start();
		Clock clock = new Clock(origin);
		Exception failure = null;
		try (Sampler sampler = new Sampler(fleet.balancers(), fleet.backends, origin)) {
			try {
				this.script.run(fleet, clock);
			}
			catch (Exception ex) {
				failure = ex;
			}
			finally {
				fleet.resetLatencies();
			}
			boolean all = load.await(Duration.ofSeconds(15));
			Thread.sleep(2 * Sampler.PERIOD_MS);
			Result result = new Result(fleet.mode(), this, rate, load, sampler, clock.events(), fleet.backends);
			if (failure != null) {
				throw new IllegalStateException("Scenario '" + this.name + "' failed: " + failure.getMessage()
						+ "\n" + result.summary(), failure);
			}
			if (!all) {
				throw new IllegalStateException("Some requests were still open after the load: " + result.summary());
			}
			return result;
		}
	}

}

package io.github.busypool.e2e;

import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The figures of one run, as one paragraph for a build log.
 */
final class RunSummary {

	private RunSummary() {
	}

	/** One paragraph for a build log: the figures of a run. */
	static String of(Result r) {
		StringBuilder text = new StringBuilder();
		text.append(String.format("[%s] %s at %.0f req/s for %d s: sent %d, ok %d (%.2f%%), failed %d (%s)%n",
				r.mode.label, r.scenario.name, r.rate, r.scenario.length.toSeconds(), r.sent(), r.ok(),
				100.0 * r.ok() / Math.max(1, r.sent()), r.failed(), r.failureKinds()));
		text.append(String.format("    latency p50 %s, p99 %s, max %s; failures took p50 %s, max %s%n",
				Result.ms(r.latencyMs(50)), Result.ms(r.latencyMs(99)), Result.ms(r.latencyMs(100)), Result.ms(r.failLatencyMs(50)),
				Result.ms(r.failLatencyMs(100))));
		if (r.failed() > 0) {
			text.append(String.format("    not served %d: answered with an error %d (%.1f%%, p50 %s, p90 %s), silent %d; "
					+ "by second due: %s%n", r.failed(), r.answeredError(), 100.0 * r.answeredError() / r.failed(),
					Result.ms(r.errorLatencyMs(50)), Result.ms(r.errorLatencyMs(90)), r.silent(), r.failuresBySecond()));
		}
		text.append("    max Tomcat queue ").append(perBackend(r.backends(), r::maxTomcatQueue));
		if (r.mode.busyPool) {
			text.append(" (busypool.queue.size ").append(perBackend(r.backends(), (i) -> (int) r.maxPoolQueue(i))).append(')');
		}
		text.append(", max HAProxy queue ").append(r.maxHaproxyQueue()).append(", max sessions ")
			.append(perBackend(r.backends(), r::maxSessions)).append(", slowest check ").append(perBackend(r.backends(), r::maxCheckMillis))
			.append(" ms, ran after the client gave up ").append(r.ranAfterGiveUp());
		if (!r.downServers().isEmpty()) {
			text.append(", DOWN: ").append(r.downServers());
		}
		if (r.secondsWithNoServer() > 0) {
			text.append(String.format(", no server UP for %.1f s", r.secondsWithNoServer()));
		}
		if (r.scenario.target >= 0 && r.events.containsKey("blip start")) {
			String name = "app" + (r.scenario.target + 1);
			OptionalLong left = r.leftRotation(r.scenario.target, r.event("blip start"));
			OptionalLong back = r.rejoined(r.scenario.target, r.event("blip start"), r.event("blip end"));
			text.append(String.format("%n    %s: %s, %s; lowest weight during the blip %d; share of requests %.1f%% "
					+ "before the blip, %.1f%% during it", name,
					left.isPresent() ? "left rotation " + Result.ms(left.getAsLong()) + " after the blip began"
							: "stayed in rotation",
					back.isPresent() ? "back " + Result.ms(back.getAsLong()) + " after it ended" : "not back",
					r.minWeight(r.scenario.target, r.event("blip start"), r.event("blip end")),
					100 * r.share(r.scenario.target, 0, r.event("blip start")),
					100 * r.share(r.scenario.target, r.event("blip start"), r.event("blip end"))));
			text.append(String.format("%n    %s's weight/sessions every 0.5 s from 1 s before the blip: %s", name,
					trace(r, r.scenario.target, r.event("blip start") - 1000, r.event("blip end") + 1000, 500)));
		}
		text.append(String.format("%n    events %s; load generator fell behind by at most %s",
				r.events.entrySet().stream().map((e) -> e.getKey() + " " + Result.ms(e.getValue()))
					.collect(Collectors.joining(", ")),
				Result.ms(r.load().maxLagNanos() / 1e6)));
		return text.toString();
	}

	private static String perBackend(int backends, java.util.function.IntUnaryOperator figure) {
		StringBuilder text = new StringBuilder();
		for (int i = 0; i < backends; i++) {
			text.append((i > 0) ? "/" : "").append(figure.applyAsInt(i));
		}
		return text.toString();
	}

	/** The backend's weight and sessions every {@code stepMs}, as {@code weight/sessions}. */
	static String trace(Result r, int backend, long fromMs, long toMs, long stepMs) {
		StringBuilder text = new StringBuilder();
		long next = fromMs;
		for (Sampler.Sample sample : r.samples) {
			Sampler.Server server = sample.servers().get(backend);
			if (sample.millis() >= next && sample.millis() < toMs && server != null) {
				text.append((text.length() > 0) ? " " : "").append(server.weight()).append('/').append(server.sessions());
				next += stepMs * (1 + (sample.millis() - next) / stepMs);
			}
		}
		return text.toString();
	}

}

package io.github.busypool.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What one scenario run saw, from the clients, from HAProxy and from the backends, and the
 * figures drawn from it.
 */
final class Result {

	final Mode mode;

	final Scenario scenario;

	final double rate;

	final Duration timeout;

	final List<Sampler.Sample> samples;

	final Map<String, Long> events;

	private final Load load;

	private final int backends;

	private final long ranAfterGiveUp;

	Result(Mode mode, Scenario scenario, double rate, Load load, Sampler sampler, Map<String, Long> events,
			List<Backend> backends) {
		this.mode = mode;
		this.scenario = scenario;
		this.rate = rate;
		this.timeout = load.timeout;
		this.load = load;
		this.samples = sampler.samples();
		this.events = events;
		this.backends = backends.size();
		long late = 0;
		for (Backend backend : backends) {
			for (Map.Entry<Integer, Long> arrival : backend.downstream.arrivals().entrySet()) {
				int id = arrival.getKey();
				if (id < load.count && !Load.ok(load.status[id])) {
					long clientEnd = load.startNanos() + load.due[id] + load.latency[id];
					if (arrival.getValue() > clientEnd) {
						late++;
					}
				}
			}
		}
		this.ranAfterGiveUp = late;
	}

	int sent() {
		return this.load.count;
	}

	int count(IntPredicate outcome) {
		int n = 0;
		for (int status : this.load.status) {
			if (outcome.test(status)) {
				n++;
			}
		}
		return n;
	}

	/** The failures by kind, most frequent first: "503: 12, timeout: 3", or "none". */
	String failureKinds() {
		TreeMap<String, Integer> kinds = new TreeMap<>();
		for (int status : this.load.status) {
			if (!Load.ok(status) && status != Load.NOT_SENT) {
				String kind = switch (status) {
					case Load.TIMEOUT -> "timeout";
					case Load.ERROR -> "connection error";
					default -> Integer.toString(status);
				};
				kinds.merge(kind, 1, Integer::sum);
			}
		}
		if (kinds.isEmpty()) {
			return "none";
		}
		return kinds.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.map((e) -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining(", "));
	}

	int ok() {
		return count(Load::ok);
	}

	int failed() {
		return sent() - ok();
	}

	/** Failed requests that got an HTTP error answer (a 5xx, say) rather than silence. */
	int answeredError() {
		return count((status) -> status >= 400);
	}

	/** Failed requests answered with an error within {@code ms} of when they were due. */
	int toldWithin(long ms) {
		int n = 0;
		for (int i = 0; i < sent(); i++) {
			if (this.load.status[i] >= 400 && this.load.latency[i] <= ms * 1_000_000L) {
				n++;
			}
		}
		return n;
	}

	/** Failed requests that got no answer: the client gave up, or the connection failed. */
	int silent() {
		return count((status) -> status == Load.TIMEOUT || status == Load.ERROR);
	}

	/** How long requests answered with an HTTP error took, in ms; NaN when none. */
	double errorLatencyMs(double percentile) {
		return percentile(latencies((i) -> this.load.status[i] >= 400), percentile);
	}

	/** "second:count" for each second of load in which some request failed. */
	String failuresBySecond() {
		TreeMap<Long, Integer> bySecond = new TreeMap<>();
		for (int i = 0; i < sent(); i++) {
			if (!Load.ok(this.load.status[i]) && this.load.status[i] != Load.NOT_SENT) {
				bySecond.merge(this.load.due[i] / 1_000_000_000, 1, Integer::sum);
			}
		}
		return bySecond.entrySet().stream().map((e) -> e.getKey() + ":" + e.getValue())
			.collect(Collectors.joining(" "));
	}

	/** Failed requests that failed within {@code ms} of being due: HAProxy refusing at once. */
	int failedWithin(long ms) {
		int n = 0;
		for (int i = 0; i < sent(); i++) {
			if (!Load.ok(this.load.status[i]) && this.load.latency[i] <= ms * 1_000_000) {
				n++;
			}
		}
		return n;
	}

	/** Latency percentile in ms over every request, a failed one counting until it failed. */
	double latencyMs(double percentile) {
		return percentile(latencies((i) -> true), percentile);
	}

	/** Latency percentile in ms over the requests due in [fromMs, toMs). */
	double latencyMsDueBetween(double percentile, long fromMs, long toMs) {
		return percentile(latencies((i) -> this.load.due[i] / 1_000_000 >= fromMs && this.load.due[i] / 1_000_000 < toMs),
				percentile);
	}

	/** How long failed requests took to fail, in ms; NaN when none failed. */
	double failLatencyMs(double percentile) {
		return percentile(latencies((i) -> !Load.ok(this.load.status[i])), percentile);
	}

	/** Requests that were due in [fromMs, toMs). */
	int dueBetween(long fromMs, long toMs) {
		int n = 0;
		for (int i = 0; i < sent(); i++) {
			long due = this.load.due[i] / 1_000_000;
			if (due >= fromMs && due < toMs) {
				n++;
			}
		}
		return n;
	}

	/** Successful requests that were due in [fromMs, toMs). */
	int okBetween(long fromMs, long toMs) {
		int n = 0;
		for (int i = 0; i < sent(); i++) {
			long due = this.load.due[i] / 1_000_000;
			if (due >= fromMs && due < toMs && Load.ok(this.load.status[i])) {
				n++;
			}
		}
		return n;
	}

	private long[] latencies(IntPredicate which) {
		return IntStream.range(0, sent()).filter(which).mapToLong((i) -> this.load.latency[i]).toArray();
	}

	static double percentile(long[] nanos, double percentile) {
		return Latencies.ofNanos(nanos).percentileMs(percentile);
	}

	int maxTomcatQueue(int backend) {
		return this.samples.stream().map((s) -> s.servers().get(backend)).filter((s) -> s != null)
			.mapToInt(Sampler.Server::tomcatQueue).max().orElse(0);
	}

	/** The backend's own busypool.queue.size at its highest, or -1 without busy-pool. */
	long maxPoolQueue(int backend) {
		return this.samples.stream().map((s) -> s.servers().get(backend)).filter((s) -> s != null)
			.mapToDouble(Sampler.Server::poolQueue).filter((q) -> !Double.isNaN(q)).mapToLong(Math::round).max()
			.orElse(-1);
	}

	int maxHaproxyQueue() {
		return this.samples.stream().mapToInt(Sampler.Sample::haproxyQueue).max().orElse(0);
	}

	int maxSessions(int backend) {
		return this.samples.stream().map((s) -> s.servers().get(backend)).filter((s) -> s != null)
			.mapToInt(Sampler.Server::sessions).max().orElse(0);
	}

	int minWeight(int backend, long fromMs, long toMs) {
		return this.samples.stream().filter((s) -> s.millis() >= fromMs && s.millis() < toMs)
			.map((s) -> s.servers().get(backend)).filter((s) -> s != null).mapToInt(Sampler.Server::weight).min()
			.orElse(-1);
	}

	/** Requests that a backend started to run after their client had given up or failed. */
	long ranAfterGiveUp() {
		return this.ranAfterGiveUp;
	}

	/**
	 * How long after {@code fromMs} HAProxy first took the backend out of rotation: not UP, or
	 * weighted down to a tenth of its median weight in the 3 s before.
	 */
	OptionalLong leftRotation(int backend, long fromMs) {
		int before = medianWeight(backend, fromMs - 3000, fromMs);
		for (Sampler.Sample sample : this.samples) {
			Sampler.Server server = sample.servers().get(backend);
			if (sample.millis() >= fromMs && server != null && !inRotation(server, before)) {
				return OptionalLong.of(sample.millis() - fromMs);
			}
		}
		return OptionalLong.empty();
	}

	/**
	 * How long after {@code fromMs} the backend was UP again with more than a tenth of the
	 * weight it had before {@code leftMs}, having been out.
	 */
	OptionalLong rejoined(int backend, long leftMs, long fromMs) {
		int before = medianWeight(backend, leftMs - 3000, leftMs);
		boolean out = false;
		for (Sampler.Sample sample : this.samples) {
			Sampler.Server server = sample.servers().get(backend);
			if (server == null || sample.millis() < leftMs) {
				continue;
			}
			out |= !inRotation(server, before);
			if (sample.millis() >= fromMs && out && inRotation(server, before)) {
				return OptionalLong.of(sample.millis() - fromMs);
			}
		}
		return OptionalLong.empty();
	}

	private static boolean inRotation(Sampler.Server server, int weightBefore) {
		return server.status().startsWith("UP") && server.weight() * 10 > weightBefore;
	}

	private int medianWeight(int backend, long fromMs, long toMs) {
		int[] weights = this.samples.stream().filter((s) -> s.millis() >= fromMs && s.millis() < toMs)
			.map((s) -> s.servers().get(backend)).filter((s) -> s != null).mapToInt(Sampler.Server::weight).sorted()
			.toArray();
		return (weights.length == 0) ? 0 : weights[weights.length / 2];
	}

	/** The share of the requests HAProxy sent in [fromMs, toMs) that went to the backend. */
	double share(int backend, long fromMs, long toMs) {
		long[] first = null;
		long[] last = null;
		for (Sampler.Sample sample : this.samples) {
			if (sample.millis() < fromMs || sample.millis() >= toMs || sample.servers().contains(null)) {
				continue;
			}
			long[] served = sample.servers().stream().mapToLong(Sampler.Server::served).toArray();
			if (first == null) {
				first = served;
			}
			last = served;
		}
		if (first == null) {
			return Double.NaN;
		}
		long all = 0;
		for (int i = 0; i < first.length; i++) {
			all += last[i] - first[i];
		}
		return (all == 0) ? Double.NaN : (double) (last[backend] - first[backend]) / all;
	}

	/** The longest any of HAProxy's checks of the backend took, in ms. */
	int maxCheckMillis(int backend) {
		return this.samples.stream().map((s) -> s.servers().get(backend)).filter((s) -> s != null)
			.mapToInt(Sampler.Server::checkMillis).max().orElse(0);
	}

	/** Seconds during which HAProxy had no server in rotation at all. */
	double secondsWithNoServer() {
		long n = this.samples.stream()
			.filter((s) -> s.servers().stream().noneMatch((server) -> server != null && server.status().startsWith("UP")))
			.count();
		return n * Sampler.PERIOD_MS / 1000.0;
	}

	/** Samples in which some server was DOWN (by its checks, not drained). */
	List<String> downServers() {
		List<String> down = new ArrayList<>();
		for (Sampler.Sample sample : this.samples) {
			for (int i = 0; i < sample.servers().size(); i++) {
				Sampler.Server server = sample.servers().get(i);
				if (server != null && server.status().startsWith("DOWN") && !down.contains("app" + (i + 1))) {
					down.add("app" + (i + 1));
				}
			}
		}
		return down;
	}

	long event(String name) {
		Long at = this.events.get(name);
		if (at == null) {
			throw new IllegalStateException("No event '" + name + "' in " + this.events);
		}
		return at;
	}

	static String ms(double ms) {
		if (Double.isNaN(ms)) {
			return "-";
		}
		return (ms < 1000) ? String.format("%.0f ms", ms) : String.format("%.2f s", ms / 1000);
	}

	/** One paragraph for a build log: the figures of this run. */
	String summary() {
		return RunSummary.of(this);
	}

	/** Writes the server series and the client requests as CSV files. */
	void writeCsv(Path directory, String prefix) throws IOException {
		RunCsv.write(this, directory, prefix);
	}

	int backends() {
		return this.backends;
	}

	Load load() {
		return this.load;
	}

}

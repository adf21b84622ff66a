package io.github.busypool.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A few sample-app JVMs, each with its own downstream, and the HAProxy in front of them.
 */
final class Fleet implements AutoCloseable {

	private static final Duration STARTUP = Duration.ofSeconds(90);

	final List<Backend> backends = new ArrayList<>();

	final boolean busyPool;

	final long latencyMs;

	private final Path directory;

	private final List<Haproxy> balancers = new ArrayList<>();

	private Mode mode;

	private Fleet(Path directory, boolean busyPool, long latencyMs) {
		this.directory = directory;
		this.busyPool = busyPool;
		this.latencyMs = latencyMs;
	}

	/**
	 * Starts {@code size} backends in parallel and waits until each one is ready.
	 * @param latencyMs the downstreams' latency in normal times
	 */
	static Fleet start(Path directory, int size, boolean busyPool, Duration drainDelay, long latencyMs)
			throws Exception {
		long[] latencies = new long[size];
		java.util.Arrays.fill(latencies, latencyMs);
		return start(directory, busyPool, drainDelay, latencies);
	}

	/**
	 * Starts a backend for each latency, each downstream answering in its own in normal times.
	 * @param drainDelay {@code busy-pool.shutdown.drain-delay}, or {@code null} for the default
	 */
	static Fleet start(Path directory, boolean busyPool, Duration drainDelay, long... latencies) throws Exception {
		Files.createDirectories(directory);
		Path jar = sampleJar();
		Fleet fleet = new Fleet(directory, busyPool, latencies[0]);
		int size = latencies.length;
		try {
			for (int i = 1; i <= size; i++) {
				fleet.backends.add(new Backend("app" + i, jar, directory, busyPool, drainDelay,
						Downstream.start(latencies[i - 1])));
			}
			for (Backend backend : fleet.backends) {
				backend.start();
			}
			ExecutorService waiters = Executors.newFixedThreadPool(size);
			try {
				List<Future<Object>> ready = new ArrayList<>();
				for (Backend backend : fleet.backends) {
					ready.add(waiters.submit(() -> {
						backend.awaitReady(STARTUP);
						return null;
					}));
				}
				for (Future<Object> each : ready) {
					each.get();
				}
			}
			finally {
				waiters.shutdownNow();
			}
			return fleet;
		}
		catch (Exception ex) {
			fleet.close();
			throw ex;
		}
	}

	static Path sampleJar() {
		String configured = System.getProperty("sample.jar");
		Path jar = (configured != null) ? Path.of(configured)
				: Ports.repository().resolve("sample-app/target/sample-app.jar");
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("No sample app jar at " + jar
					+ "; build it first: ./mvnw -q -pl sample-app -am package -DskipTests");
		}
		return jar;
	}

	/**
	 * (Re)starts {@code count} HAProxy instances, each with the mode's configuration and every
	 * backend, as a service behind several load balancers has; waits until each has every
	 * server in rotation.
	 */
	void route(Mode mode, int count) throws Exception {
		if (mode.busyPool != this.busyPool) {
			throw new IllegalArgumentException(mode.label + " needs a fleet with busy-pool " + mode.busyPool);
		}
		closeBalancers();
		for (int i = 1; i <= count; i++) {
			Path dir = Files.createDirectories(this.directory.resolve(mode.label + "-lb" + i));
			this.balancers.add(Haproxy.start(mode.recipe(), dir, this.backends, "lb" + i));
		}
		this.mode = mode;
		awaitInRotation(Duration.ofSeconds(30));
	}

	/** Waits until each HAProxy has every server UP with at least a fifth of the heaviest one's weight. */
	void awaitInRotation(Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (Haproxy haproxy : this.balancers) {
			while (!allInRotation(haproxy)) {
				if (System.nanoTime() > deadline) {
					throw new IllegalStateException("Not every server is in rotation after " + timeout + ": "
							+ haproxy.stats());
				}
				Thread.sleep(50);
			}
		}
	}

	private boolean allInRotation(Haproxy haproxy) throws Exception {
		int up = 0;
		int max = 0;
		int min = Integer.MAX_VALUE;
		for (Map<String, String> row : haproxy.stats()) {
			if (Haproxy.BACKEND.equals(row.get("pxname")) && row.get("svname").startsWith("app")
					&& row.get("status").equals("UP")) {
				int weight = Integer.parseInt(row.get("weight"));
				up++;
				max = Math.max(max, weight);
				min = Math.min(min, weight);
			}
		}
		return up == this.backends.size() && min * 5 >= max;
	}

	/** Waits until no backend runs or holds a request. */
	void awaitQuiet(Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (this.backends.stream().anyMatch((b) -> b.downstream.running() > 0) || holdsRequests()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("The fleet is still busy after " + timeout);
			}
			Thread.sleep(100);
		}
	}

	private boolean holdsRequests() throws Exception {
		for (Haproxy haproxy : this.balancers) {
			if (haproxy.stats().stream().anyMatch((row) -> Haproxy.BACKEND.equals(row.get("pxname"))
					&& !"0".equals(row.getOrDefault("scur", "0")))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * A few seconds of load through one HAProxy, so that the next run does not measure the
	 * JIT: a cold JVM stalls for half a second now and then, long enough for busy-pool's
	 * shedding (CoDel, 500 ms) to take it for a standing queue. Through HAProxy, whose restart
	 * before each run closes its connections while the apps are idle: connections closed
	 * later, during a blip, would queue their close in Tomcat's pool.
	 */
	void warmUp(Mode mode, double rate, Duration length) throws Exception {
		route(mode, 1);
		Load warm = new Load(java.net.URI.create("http://127.0.0.1:" + this.balancers.get(0).port + "/api/quote"),
				rate, length, Duration.ofSeconds(10));
		warm.start();
		if (!warm.await(length.plusSeconds(10))) {
			throw new IllegalStateException("The warm-up load did not finish");
		}
	}

	void setLatency(int backend, long ms) {
		this.backends.get(backend).downstream.setLatencyMs(ms);
	}

	void setLatencyEverywhere(long ms) {
		for (Backend backend : this.backends) {
			backend.downstream.setLatencyMs(ms);
		}
	}

	/** Every downstream back to the latency it started with. */
	void resetLatencies() {
		for (Backend backend : this.backends) {
			backend.downstream.setLatencyMs(backend.downstream.normalMs);
		}
	}

	/** Stops a backend with SIGTERM, starts it again and waits until HAProxy has it back in rotation. */
	void restart(int backend) throws Exception {
		Backend b = this.backends.get(backend);
		b.stop();
		b.start();
		b.awaitReady(STARTUP);
		awaitInRotation(Duration.ofSeconds(60));
	}

	/** The HAProxy instances in front, in order. */
	List<Haproxy> balancers() {
		return List.copyOf(this.balancers);
	}

	private void closeBalancers() throws InterruptedException {
		for (Haproxy haproxy : this.balancers) {
			haproxy.close();
		}
		this.balancers.clear();
	}

	Mode mode() {
		return this.mode;
	}

	@Override
	public void close() throws Exception {
		closeBalancers();
		ExecutorService stoppers = Executors.newFixedThreadPool(Math.max(1, this.backends.size()));
		for (Backend backend : this.backends) {
			stoppers.submit(() -> {
				backend.stop();
				return null;
			});
		}
		stoppers.shutdown();
		stoppers.awaitTermination(90, TimeUnit.SECONDS);
		for (Backend backend : this.backends) {
			backend.downstream.close();
		}
	}

}

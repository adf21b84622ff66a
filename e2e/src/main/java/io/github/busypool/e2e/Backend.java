package io.github.busypool.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sample-app JVM, started from the built jar on 127.0.0.1 with ports of its own, calling
 * its own {@link Downstream}.
 */
final class Backend implements AutoCloseable {

	/** {@code server.tomcat.threads.max}: the recipes' {@code maxconn 8}. */
	static final int THREADS = 8;

	/**
	 * How long a backend waits for its downstream: longer than any blip a scenario sets, so
	 * that a slow call ends in success, and shorter than the clients' 10 s.
	 */
	static final Duration DOWNSTREAM_TIMEOUT = Duration.ofSeconds(9);

	private static final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(2))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	private static final Pattern VALUE = Pattern.compile("\"statistic\":\"(?:VALUE|COUNT)\",\"value\":([-0-9.E]+)");

	final String name;

	final int port;

	final int managementPort;

	final int checkPort;

	final int agentPort;

	final Downstream downstream;

	private final Path jar;

	private final Path log;

	private final List<String> arguments;

	private volatile Process process;

	private int starts;

	Backend(String name, Path jar, Path directory, boolean busyPool, Duration drainDelay, Downstream downstream)
			throws IOException {
		this(name, jar, directory, busyPool, drainDelay, downstream, false);
	}

	/**
	 * @param managementOnMainPort whether the actuator shares the main port (and pool)
	 */
	Backend(String name, Path jar, Path directory, boolean busyPool, Duration drainDelay, Downstream downstream,
			boolean managementOnMainPort) throws IOException {
		this(name, jar, directory, busyPool, drainDelay, downstream, managementOnMainPort, Map.of());
	}

	/**
	 * @param overrides properties that replace the ones set here, or add to them (Graphite
	 * export on, say)
	 */
	Backend(String name, Path jar, Path directory, boolean busyPool, Duration drainDelay, Downstream downstream,
			boolean managementOnMainPort, Map<String, String> overrides) throws IOException {
		this.name = name;
		this.jar = jar;
		this.log = directory.resolve(name + ".log");
		this.downstream = downstream;
		this.port = Ports.free();
		this.managementPort = managementOnMainPort ? this.port : Ports.free();
		this.checkPort = Ports.free();
		this.agentPort = Ports.free();
		List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--server.port=" + this.port,
				"--management.server.port=" + this.managementPort,
				"--server.tomcat.threads.max=" + THREADS, "--server.tomcat.threads.min-spare=" + THREADS,
				// The same on Jetty (-Dsample.jar=...sample-app-jetty-...jar): one acceptor and one
				// selector hold a thread each, the rest run requests.
				"--server.jetty.threads.acceptors=1", "--server.jetty.threads.selectors=1",
				"--server.jetty.threads.max=" + (THREADS + 2), "--server.jetty.threads.min=" + (THREADS + 2),
				"--sample.downstream.embedded.enabled=false", "--sample.downstream.url=" + downstream.url(),
				"--sample.downstream.timeout=" + DOWNSTREAM_TIMEOUT.toMillis() + "ms",
				"--management.graphite.metrics.export.enabled=false", "--spring.main.banner-mode=off",
				"--busy-pool.enabled=" + busyPool));
		if (!managementOnMainPort) {
			args.add("--management.server.address=127.0.0.1");
		}
		// -Dbench.backend.args="--a=b --c=d" tries other settings on every backend.
		String extra = System.getProperty("bench.backend.args", "").strip();
		if (!extra.isEmpty()) {
			args.addAll(List.of(extra.split("\\s+")));
		}
		if (busyPool) {
			args.addAll(List.of("--busy-pool.check.port=" + this.checkPort, "--busy-pool.agent.port=" + this.agentPort));
			if (drainDelay != null) {
				args.add("--busy-pool.shutdown.drain-delay=" + drainDelay.toMillis() + "ms");
			}
		}
		else {
			// The busyPool health contributor does not exist without the starter.
			args.add("--management.endpoint.health.group.readiness.include=readinessState");
		}
		for (Map.Entry<String, String> override : overrides.entrySet()) {
			args.removeIf((arg) -> arg.startsWith("--" + override.getKey() + "="));
			args.add("--" + override.getKey() + "=" + override.getValue());
		}
		this.arguments = args;
	}

	/** Launches the JVM; {@link #awaitReady} waits until it serves. */
	synchronized void start() throws IOException {
		if (this.process != null && this.process.isAlive()) {
			throw new IllegalStateException(this.name + " is running");
		}
		List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
				"-Xshare:auto", "-jar", this.jar.toString()));
		command.addAll(this.arguments);
		this.starts++;
		this.process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput((this.starts == 1) ? ProcessBuilder.Redirect.to(this.log.toFile())
					: ProcessBuilder.Redirect.appendTo(this.log.toFile()))
			.start();
	}

	void awaitReady(Duration timeout) throws Exception {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " exited with " + this.process.exitValue() + "; see "
						+ this.log + ":\n" + tail());
			}
			if (status(this.managementPort, "/actuator/health/readiness") == 200) {
				return;
			}
			Thread.sleep(100);
		}
		throw new IllegalStateException(this.name + " not ready after " + timeout + "; see " + this.log);
	}

	/** SIGTERM, as an orchestrator sends it, then waits for the exit. */
	void stop() throws InterruptedException {
		Process running = this.process;
		if (running == null) {
			return;
		}
		running.destroy();
		if (!running.waitFor(60, TimeUnit.SECONDS)) {
			running.destroyForcibly();
			running.waitFor(10, TimeUnit.SECONDS);
		}
	}

	/** CPU time (user + system) the process has used so far, from /proc. */
	long cpuNanos() throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		// Fields 14 and 15 of stat(5), counted from after the command name: utime, stime.
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return ticks * (1_000_000_000L / Ports.CLOCK_TICKS_PER_SECOND);
	}

	/** A gauge or counter from the backend's actuator, or empty if it has no such meter. */
	OptionalDouble metric(String meter) {
		try {
			HttpResponse<String> response = get(this.managementPort, "/actuator/metrics/" + meter);
			if (response.statusCode() == 200) {
				Matcher value = VALUE.matcher(response.body());
				if (value.find()) {
					return OptionalDouble.of(Double.parseDouble(value.group(1)));
				}
			}
		}
		catch (IOException ex) {
			// Not up (yet, or any more).
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return OptionalDouble.empty();
	}

	static int status(int port, String path) {
		try {
			return get(port, path).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(5))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	/** Everything the JVM has printed so far. */
	String log() throws IOException {
		return Files.readString(this.log);
	}

	String tail() throws IOException {
		List<String> lines = Files.readAllLines(this.log);
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
	}

	static String javaBinary() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}

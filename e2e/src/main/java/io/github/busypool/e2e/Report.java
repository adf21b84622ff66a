package io.github.busypool.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import static io.github.busypool.e2e.FleetBenchmark.CLIENT_TIMEOUT;
import static io.github.busypool.e2e.FleetBenchmark.NORMAL_MS;
import static io.github.busypool.e2e.FleetBenchmark.RATE;
import static io.github.busypool.e2e.FleetBenchmark.SLOW_MS;

/**
 * The fleet benchmark's markdown report, printed as it grows.
 */
final class Report {

	private final StringBuilder text = new StringBuilder();

	/** Adds a line to the report, and prints it. */
	void line(String text) {
		this.text.append(text).append('\n');
		System.out.println(text);
	}

	/** Writes the report as {@code report.md} in the directory. */
	Path write(Path directory) throws IOException {
		Path file = directory.resolve("report.md");
		Files.writeString(file, this.text);
		return file;
	}

	void header(boolean quick) throws Exception {
		line("# Fleet benchmark report");
		line("");
		line("- Date: " + Instant.now());
		line("- Machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, "
				+ cpuModel() + ", Java " + System.getProperty("java.version") + ", " + Haproxy.version());
		line("- Fleet: 3 sample-app JVMs (" + Backend.THREADS + " Tomcat threads each, -Xmx256m) behind one HAProxy (two in one scenario, each taking half the load), "
				+ "each with its own downstream answering in " + NORMAL_MS + " ms (" + SLOW_MS + " ms during a blip)");
		line("- Load: " + (int) RATE + " req/s to /api/quote through HAProxy, open model (latency from when each "
				+ "request was due), clients give up after " + CLIENT_TIMEOUT.toSeconds() + " s; capacity is "
				+ (3 * Backend.THREADS * 1000 / NORMAL_MS) + " req/s in normal times");
		line("- " + (quick ? "Quick run (the e2e lengths)" : "Full run"));
		line("");
	}

	/** "blip on every backend, 2 HAProxies" becomes "blip-on-every-backend-2-haproxies". */
	static String slug(String name) {
		return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
	}

	private static String cpuModel() throws IOException {
		return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter((l) -> l.startsWith("model name"))
			.map((l) -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown CPU");
	}

}

package io.github.busypool.e2e;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A run's series as CSV files: {@code <prefix>-servers.csv} (HAProxy's and each backend's
 * view, sampled) and {@code <prefix>-requests.csv} (every client request: when it was due,
 * how long it took, its status). {@link Charts} draws from them.
 */
final class RunCsv {

	private RunCsv() {
	}

	/** Writes the server series and the client requests of a run as CSV files. */
	static void write(Result r, Path directory, String prefix) throws IOException {
		Sampler.writeCsv(r.samples, r.backends(), directory.resolve(prefix + "-servers.csv"));
		try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(directory.resolve(prefix + "-requests.csv")))) {
			out.println("due_s,latency_ms,status");
			for (int i = 0; i < r.sent(); i++) {
				out.printf("%.3f,%.1f,%d%n", r.load().due[i] / 1e9, r.load().latency[i] / 1e6, r.load().status[i]);
			}
		}
	}

}

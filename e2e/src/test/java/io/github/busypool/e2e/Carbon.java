package io.github.busypool.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real carbon-cache (Debian's {@code graphite-carbon}) on 127.0.0.1, with a test
 * configuration under a directory of its own, storing one point per second.
 */
final class Carbon implements AutoCloseable {

	private static final Path BINARY = Path.of("/usr/bin/carbon-cache");

	private static final Path WHISPER_FETCH = Path.of("/usr/bin/whisper-fetch");

	private final Path directory;

	private final int linePort;

	private final int picklePort;

	private Process process;

	private Carbon(Path directory, int linePort, int picklePort) {
		this.directory = directory;
		this.linePort = linePort;
		this.picklePort = picklePort;
	}

	/**
	 * Fails when carbon is missing in CI, where it must be installed; skips elsewhere.
	 */
	static void assumeInstalled() {
		boolean installed = Files.isExecutable(BINARY) && Files.isExecutable(WHISPER_FETCH);
		if (System.getenv("CI") != null) {
			assertThat(installed).as("graphite-carbon must be installed in CI (see .ci/run)").isTrue();
		}
		assumeTrue(installed, "graphite-carbon is not installed");
	}

	/**
	 * Writes a configuration for carbon on free ports, without starting it.
	 */
	static Carbon configure(Path directory) throws Exception {
		return configure(directory, Ports.free());
	}

	static Carbon configure(Path directory, int linePort) throws Exception {
		Carbon carbon = new Carbon(directory, linePort, Ports.free());
		carbon.writeConfiguration(Ports.free());
		return carbon;
	}

	private void writeConfiguration(int queryPort) throws IOException {
		Path d = this.directory;
		Files.createDirectories(d.resolve("storage/whisper"));
		Files.createDirectories(d.resolve("log"));
		Files.writeString(d.resolve("carbon.conf"), String.join("\n", "[cache]",
				"STORAGE_DIR = " + d.resolve("storage") + "/", "LOCAL_DATA_DIR = " + whisper() + "/",
				"CONF_DIR = " + d + "/", "LOG_DIR = " + d.resolve("log") + "/", "PID_DIR = " + d + "/", "USER =",
				"DATABASE = whisper", "ENABLE_TAGS = False", "MAX_CACHE_SIZE = inf", "MAX_UPDATES_PER_SECOND = inf",
				"MAX_CREATES_PER_MINUTE = inf", "WHISPER_AUTOFLUSH = True", "LOG_LISTENER_CONNECTIONS = False",
				"LINE_RECEIVER_INTERFACE = 127.0.0.1", "LINE_RECEIVER_PORT = " + this.linePort,
				"PICKLE_RECEIVER_INTERFACE = 127.0.0.1", "PICKLE_RECEIVER_PORT = " + this.picklePort,
				"CACHE_QUERY_INTERFACE = 127.0.0.1", "CACHE_QUERY_PORT = " + queryPort, ""));
		Files.writeString(d.resolve("storage-schemas.conf"),
				"[default]\npattern = .*\nretentions = 1s:1h,10s:1d\n");
	}

	/**
	 * Starts carbon and waits until its line receiver accepts connections.
	 */
	Carbon start() throws IOException {
		Files.deleteIfExists(this.directory.resolve("carbon-cache-a.pid"));
		this.process = new ProcessBuilder(BINARY.toString(), "--config=" + this.directory.resolve("carbon.conf"),
				"--nodaemon", "start")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(this.directory.resolve("carbon.out").toFile()))
			.start();
		await().atMost(Duration.ofSeconds(30)).until(() -> accepts(this.linePort) && accepts(this.picklePort));
		return this;
	}

	/**
	 * Stops carbon and waits for it to exit.
	 */
	void stop() throws InterruptedException {
		if (this.process != null) {
			this.process.destroy();
			if (!this.process.waitFor(15, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
			this.process = null;
		}
	}

	int linePort() {
		return this.linePort;
	}

	int picklePort() {
		return this.picklePort;
	}

	Path whisper() {
		return this.directory.resolve("storage/whisper");
	}

	/**
	 * Returns the metric paths received so far, dotted, as Graphite shows them.
	 */
	List<String> paths() throws IOException {
		Path root = whisper();
		if (!Files.isDirectory(root)) {
			return List.of();
		}
		try (Stream<Path> files = Files.walk(root)) {
			return files.filter((f) -> f.toString().endsWith(".wsp")).map((f) -> {
				String relative = root.relativize(f).toString();
				return relative.substring(0, relative.length() - ".wsp".length()).replace('/', '.');
			}).sorted().toList();
		}
	}

	/**
	 * Reads a series back with {@code whisper-fetch}: its non-empty values, oldest first.
	 * @param path the dotted metric path
	 * @param fromEpochSecond where to start
	 */
	List<Double> values(String path, long fromEpochSecond) throws Exception {
		Path file = whisper().resolve(path.replace('.', '/') + ".wsp");
		Process fetch = new ProcessBuilder(WHISPER_FETCH.toString(), "--from=" + fromEpochSecond, file.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(fetch.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(fetch.exitValue()).as(output).isZero();
		List<Double> values = new ArrayList<>();
		for (String line : output.split("\n")) {
			String[] parts = line.trim().split("\\s+");
			if (parts.length == 2 && !"None".equals(parts[1])) {
				values.add(Double.parseDouble(parts[1]));
			}
		}
		return values;
	}

	private static boolean accepts(int port) {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		stop();
	}

}

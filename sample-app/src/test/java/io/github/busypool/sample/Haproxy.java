package io.github.busypool.sample;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real HAProxy process on 127.0.0.1, run from a configuration file of the repository,
 * and read through its stats socket.
 */
final class Haproxy implements AutoCloseable {

	private static final Path BINARY = findBinary();

	private final Path directory;

	private final Path socket;

	private final Process process;

	private Haproxy(Path directory, Path config) throws IOException {
		this.directory = directory;
		this.socket = directory.resolve("admin.sock");
		this.process = new ProcessBuilder(BINARY.toString(), "-db", "-f", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(directory.resolve("haproxy.log").toFile())
			.start();
	}

	/**
	 * Fails when HAProxy is missing in CI, where it must be installed; skips elsewhere.
	 */
	static void assumeInstalled() {
		if (System.getenv("CI") != null) {
			assertThat(BINARY).as("haproxy must be installed in CI (see .ci/run)").isNotNull();
		}
		assumeTrue(BINARY != null, "haproxy is not installed");
	}

	/**
	 * Checks a configuration with {@code haproxy -c}.
	 * @return the exit code and output
	 */
	static String check(Path config) throws Exception {
		Process check = new ProcessBuilder(BINARY.toString(), "-c", "-f", config.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
		return check.exitValue() + " " + output;
	}

	/**
	 * Starts HAProxy with a recipe, with its addresses replaced and a stats socket added.
	 * @param recipe the configuration file
	 * @param replacements pairs of text to find and text to put instead
	 */
	static Haproxy start(Path recipe, Path directory, String... replacements) throws Exception {
		String config = Files.readString(recipe);
		for (int i = 0; i < replacements.length; i += 2) {
			assertThat(config).contains(replacements[i]);
			config = config.replace(replacements[i], replacements[i + 1]);
		}
		Path socket = directory.resolve("admin.sock");
		config = config.replaceFirst("(?m)^global\\n",
				"global\n    stats socket " + socket + " mode 600 level admin\n");
		Path file = directory.resolve("haproxy.cfg");
		Files.writeString(file, config);
		assertThat(check(file)).startsWith("0 ");
		return new Haproxy(directory, file);
	}

	/**
	 * Returns HAProxy's {@code show stat} row of a server, by column name.
	 */
	Map<String, String> server(String backend, String server) throws IOException {
		for (Map<String, String> row : showStat()) {
			if (backend.equals(row.get("pxname")) && server.equals(row.get("svname"))) {
				return row;
			}
		}
		return Map.of();
	}

	private List<Map<String, String>> showStat() throws IOException {
		if (!Files.exists(this.socket)) {
			return List.of();
		}
		String csv;
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.socket));
			channel.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
			ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
			StringBuilder text = new StringBuilder();
			while (channel.read(buffer) > 0) {
				buffer.flip();
				text.append(StandardCharsets.US_ASCII.decode(buffer));
				buffer.clear();
			}
			csv = text.toString();
		}
		String[] lines = csv.split("\n");
		if (lines.length == 0 || !lines[0].startsWith("# ")) {
			return List.of();
		}
		String[] header = lines[0].substring(2).split(",", -1);
		List<Map<String, String>> rows = new ArrayList<>();
		for (String line : Arrays.asList(lines).subList(1, lines.length)) {
			String[] values = line.split(",", -1);
			Map<String, String> row = new HashMap<>();
			for (int i = 0; i < Math.min(header.length, values.length); i++) {
				row.put(header[i], values[i]);
			}
			rows.add(row);
		}
		return rows;
	}

	String log() throws IOException {
		return Files.readString(this.directory.resolve("haproxy.log"));
	}

	@Override
	public void close() throws Exception {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

	private static Path findBinary() {
		for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return Path.of(candidate);
			}
		}
		return null;
	}

}

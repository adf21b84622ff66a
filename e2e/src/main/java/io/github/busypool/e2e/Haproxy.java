package io.github.busypool.e2e;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HAProxy on 127.0.0.1, run from one of the repository's configuration files, and read
 * through its stats socket.
 */
final class Haproxy implements AutoCloseable {

	static final String BACKEND = "app";

	private static final Pattern SERVER = Pattern.compile("(?m)^(\\s*)server app1 127\\.0\\.0\\.1:8080(.*)$");

	private final Path socket;

	private final Path log;

	private final Process process;

	final int port;

	private Haproxy(Path config, Path socket, Path log, int port, String name) throws IOException {
		this.socket = socket;
		this.log = log;
		this.port = port;
		// -L: the peer name, which is the host name by default; the agent recipe sends it to
		// tell the HAProxy instances of one host apart.
		this.process = new ProcessBuilder(binary().toString(), "-db", "-L", name, "-f", config.toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
	}

	/**
	 * Starts HAProxy with a recipe. The file is used as it is, except for what a fleet of
	 * backends on one host needs: the frontend's port, one {@code server} line per backend
	 * with its own ports, and a stats socket.
	 */
	static Haproxy start(Path recipe, Path directory, List<Backend> backends, String name) throws Exception {
		return start(recipe, directory, backends, name, Map.of());
	}

	/**
	 * Starts HAProxy with a recipe, as {@link #start(Path, Path, List, String)} does, with
	 * some of its text changed: each key, found exactly once, is replaced by its value (to
	 * check faster than {@code inter 2s}, say).
	 */
	static Haproxy start(Path recipe, Path directory, List<Backend> backends, String name,
			Map<String, String> changes) throws Exception {
		int port = Ports.free();
		Path socket = directory.resolve("admin.sock");
		Files.deleteIfExists(socket);
		Path config = directory.resolve("haproxy.cfg");
		String text = Files.readString(recipe);
		for (Map.Entry<String, String> change : changes.entrySet()) {
			text = replaceOnce(text, change.getKey(), change.getValue());
		}
		Files.writeString(config, rewrite(text, port, socket, backends));
		String check = check(config);
		if (!check.startsWith("0 ")) {
			throw new IllegalStateException("haproxy -c refused " + config + ": " + check);
		}
		Haproxy haproxy = new Haproxy(config, socket, directory.resolve("haproxy.log"), port, name);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (haproxy.stats().isEmpty()) {
			if (System.nanoTime() > deadline || !haproxy.process.isAlive()) {
				throw new IllegalStateException("HAProxy did not start: " + Files.readString(haproxy.log));
			}
			Thread.sleep(20);
		}
		return haproxy;
	}

	static String rewrite(String recipe, int port, Path socket, List<Backend> backends) {
		String config = replaceOnce(recipe, "bind 127.0.0.1:8000", "bind 127.0.0.1:" + port);
		config = replaceOnce(config, "\nglobal\n", "\nglobal\n    stats socket " + socket + " mode 600 level admin\n");
		Matcher server = SERVER.matcher(config);
		if (!server.find()) {
			throw new IllegalArgumentException("The recipe has no 'server app1 127.0.0.1:8080' line");
		}
		String defaults = config.substring(config.indexOf("default-server"));
		defaults = defaults.substring(0, defaults.indexOf('\n'));
		StringBuilder servers = new StringBuilder();
		for (int i = 0; i < backends.size(); i++) {
			Backend backend = backends.get(i);
			servers.append(server.group(1)).append("server app").append(i + 1).append(" 127.0.0.1:").append(backend.port)
				.append(server.group(2));
			if (defaults.contains(" port 8082")) {
				servers.append(" port ").append(backend.checkPort);
			}
			if (defaults.contains(" port 8081")) {
				servers.append(" port ").append(backend.managementPort);
			}
			if (defaults.contains("agent-port 8083")) {
				servers.append(" agent-port ").append(backend.agentPort);
			}
			servers.append('\n');
		}
		return config.substring(0, server.start()) + servers.toString().stripTrailing() + config.substring(server.end());
	}

	static String replaceOnce(String text, String find, String replacement) {
		int at = text.indexOf(find);
		if (at < 0 || text.indexOf(find, at + 1) >= 0) {
			throw new IllegalArgumentException("Expected '" + find.strip() + "' exactly once in the configuration");
		}
		return text.substring(0, at) + replacement + text.substring(at + find.length());
	}

	static String check(Path config) throws Exception {
		Process check = new ProcessBuilder(binary().toString(), "-c", "-q", "-f", config.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		check.waitFor(20, TimeUnit.SECONDS);
		return check.exitValue() + " " + output;
	}

	/**
	 * One server's row of {@code show stat}.
	 * @param server the server's name ({@code app1} for the first backend)
	 * @return its columns, empty when HAProxy does not answer
	 */
	Map<String, String> server(String server) throws IOException {
		for (Map<String, String> row : stats()) {
			if (BACKEND.equals(row.get("pxname")) && server.equals(row.get("svname"))) {
				return row;
			}
		}
		return Map.of();
	}

	/** HAProxy's {@code show stat}, one map per row, keyed by column name. */
	List<Map<String, String>> stats() throws IOException {
		if (!Files.exists(this.socket)) {
			return List.of();
		}
		StringBuilder text = new StringBuilder(4096);
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.socket));
			channel.write(ByteBuffer.wrap("show stat\n".getBytes(StandardCharsets.US_ASCII)));
			ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
			while (channel.read(buffer) > 0) {
				buffer.flip();
				text.append(StandardCharsets.US_ASCII.decode(buffer));
				buffer.clear();
			}
		}
		catch (IOException ex) {
			return List.of();
		}
		return parseStats(text.toString());
	}

	static List<Map<String, String>> parseStats(String csv) {
		String[] lines = csv.split("\n");
		if (lines.length == 0 || !lines[0].startsWith("# ")) {
			return List.of();
		}
		String[] header = lines[0].substring(2).split(",", -1);
		List<Map<String, String>> rows = new ArrayList<>();
		for (int l = 1; l < lines.length; l++) {
			if (lines[l].isBlank()) {
				continue;
			}
			String[] values = lines[l].split(",", -1);
			Map<String, String> row = new HashMap<>();
			for (int i = 0; i < Math.min(header.length, values.length); i++) {
				row.put(header[i], values[i]);
			}
			rows.add(row);
		}
		return rows;
	}

	/** The first line of {@code haproxy -v}: "HAProxy version 2.6.12-1+deb12u4 ...". */
	static String version() throws Exception {
		Process version = new ProcessBuilder(binary().toString(), "-v").redirectErrorStream(true).start();
		String text = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		version.waitFor(20, TimeUnit.SECONDS);
		return text.lines().findFirst().orElse("HAProxy");
	}

	/**
	 * The haproxy to run: {@code -Dhaproxy.binary=PATH} (another version, say, such as the one
	 * {@code e2e/haproxy-debian13} puts aside), or the system's.
	 */
	static Path binary() {
		String chosen = System.getProperty("haproxy.binary", "");
		if (!chosen.isBlank()) {
			if (!Files.isExecutable(Path.of(chosen))) {
				throw new IllegalStateException("-Dhaproxy.binary=" + chosen + " is not an executable file");
			}
			return Path.of(chosen);
		}
		for (String candidate : List.of("/usr/sbin/haproxy", "/usr/bin/haproxy", "/usr/local/sbin/haproxy")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return Path.of(candidate);
			}
		}
		throw new IllegalStateException("haproxy is not installed (apt-get install -y haproxy)");
	}

	static boolean installed() {
		try {
			binary();
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}

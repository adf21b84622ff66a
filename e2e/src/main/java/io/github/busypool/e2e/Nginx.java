package io.github.busypool.e2e;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real nginx on 127.0.0.1, run from one of the repository's configuration files (Debian's
 * package, {@code /usr/sbin/nginx}).
 */
final class Nginx implements AutoCloseable {

	private static final Pattern SERVER = Pattern.compile("(?m)^(\\s*)server 127\\.0\\.0\\.1:8080(.*)$");

	private final Process process;

	private final Path log;

	final int port;

	private Nginx(Path config, Path log, int port) throws IOException {
		this.log = log;
		this.port = port;
		this.process = new ProcessBuilder(binary(), "-c", config.toString(), "-p", config.getParent().toString())
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
	}

	/**
	 * Starts nginx with a configuration file, used as it is except for what a fleet on one
	 * host needs: the listening port, one {@code server} line per backend, and the pid and
	 * temporary files in {@code directory}.
	 */
	static Nginx start(Path recipe, Path directory, List<Backend> backends) throws Exception {
		int port = Ports.free();
		Path config = directory.resolve("nginx.conf");
		Files.writeString(config, rewrite(Files.readString(recipe), port, directory, backends));
		String check = check(config);
		if (!check.contains("test is successful")) {
			throw new IllegalStateException("nginx -t refused " + config + ": " + check);
		}
		Nginx nginx = new Nginx(config, directory.resolve("nginx.log"), port);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!nginx.listening()) {
			if (System.nanoTime() > deadline || !nginx.process.isAlive()) {
				throw new IllegalStateException("nginx did not start: " + Files.readString(nginx.log));
			}
			Thread.sleep(20);
		}
		return nginx;
	}

	static String rewrite(String recipe, int port, Path directory, List<Backend> backends) {
		String config = Haproxy.replaceOnce(recipe, "listen 127.0.0.1:8000;", "listen 127.0.0.1:" + port + ";");
		config = Haproxy.replaceOnce(config, "pid /tmp/busy-pool-nginx.pid;",
				"pid " + directory.resolve("nginx.pid") + ";");
		// Temporary files where this user may write (Debian's default is /var/lib/nginx).
		config = Haproxy.replaceOnce(config, "http {\n", "http {\n    client_body_temp_path " + directory.resolve("body") + ";\n"
				+ "    proxy_temp_path " + directory.resolve("proxy") + ";\n");
		Matcher server = SERVER.matcher(config);
		if (!server.find()) {
			throw new IllegalArgumentException("The configuration has no 'server 127.0.0.1:8080' line");
		}
		StringBuilder servers = new StringBuilder();
		for (Backend backend : backends) {
			servers.append(server.group(1)).append("server 127.0.0.1:").append(backend.port).append(server.group(2))
				.append('\n');
		}
		return config.substring(0, server.start()) + servers.toString().stripTrailing() + config.substring(server.end());
	}

	/** What {@code nginx -t} says of a configuration file. */
	static String check(Path config) throws Exception {
		Process check = new ProcessBuilder(binary(), "-t", "-c", config.toString(), "-p", config.getParent().toString())
			.redirectErrorStream(true)
			.start();
		String out = new String(check.getInputStream().readAllBytes());
		check.waitFor(10, TimeUnit.SECONDS);
		return out.strip();
	}

	private boolean listening() {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** What {@code nginx -v} says. */
	static String version() throws Exception {
		Process version = new ProcessBuilder(binary(), "-v").redirectErrorStream(true).start();
		String out = new String(version.getInputStream().readAllBytes()).strip();
		version.waitFor(10, TimeUnit.SECONDS);
		return out;
	}

	static String binary() {
		return System.getProperty("nginx.binary", "/usr/sbin/nginx");
	}

	static boolean installed() {
		return Files.isExecutable(Path.of(binary()));
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

}

package io.github.busypool.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Small facts about this machine the bench needs.
 */
final class Ports {

	private Ports() {
	}

	/** A port free on 127.0.0.1 right now. */
	static int free() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/** USER_HZ: the unit of CPU times in /proc. 100 on every Linux this runs on. */
	static final long CLOCK_TICKS_PER_SECOND = 100;

	/** The repository root: the directory that holds {@code haproxy/agent.cfg}. */
	static Path repository() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null) {
			if (Files.isRegularFile(dir.resolve("haproxy/agent.cfg"))) {
				return dir;
			}
			dir = dir.getParent();
		}
		throw new IllegalStateException("Run from inside the busy-pool repository (no haproxy/agent.cfg above "
				+ Path.of("").toAbsolutePath() + ")");
	}

}

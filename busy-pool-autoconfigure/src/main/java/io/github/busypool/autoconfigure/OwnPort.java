package io.github.busypool.autoconfigure;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.core.env.Environment;

/**
 * Refuses a busy-pool port that another listener of this application already uses, before
 * anything binds, so the report names busy-pool's property rather than the web server's.
 */
final class OwnPort {

	/** The embedded web server's port when {@code server.port} is not set. */
	private static final int DEFAULT_SERVER_PORT = 8080;

	private OwnPort() {
	}

	/**
	 * Checks that {@code port} differs from each of the other ports that are set.
	 * @param environment where the other ports are bound from
	 * @param server the server's properties, or {@code null} to bind them
	 * @param property the busy-pool property being checked
	 * @param port its value; 0 (a free port) is always fine
	 * @param others the other port properties
	 */
	static void require(Environment environment, ServerProperties server, String property, int port,
			String... others) {
		if (port == 0) {
			return;
		}
		Binder binder = Binder.get(environment);
		for (String other : others) {
			Integer taken = "server.port".equals(other) ? serverPort(binder, server)
					: binder.bind(other, Integer.class).orElse(null);
			if (taken != null && taken == port) {
				throw new InvalidBusyPoolPropertyException(property, port,
						"must differ from " + other + " (" + taken + ")",
						"Set " + property + " to a free port of its own, or 0 to pick one.");
			}
		}
	}

	private static Integer serverPort(Binder binder, ServerProperties server) {
		ServerProperties properties = (server != null) ? server
				: binder.bind("server", ServerProperties.class).orElseGet(ServerProperties::new);
		Integer port = properties.getPort();
		return (port != null) ? port : DEFAULT_SERVER_PORT;
	}

}

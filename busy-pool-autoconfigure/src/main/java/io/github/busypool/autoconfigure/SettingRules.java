package io.github.busypool.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.core.env.Environment;

/**
 * The rules on busy-pool's settings that involve more than one property, or properties
 * outside {@code busy-pool.*}: all in one place, each failing with one
 * {@link InvalidBusyPoolPropertyException} that names the property, its value and the fix.
 * Rules on one value alone are checked as it is bound ({@link BusyPoolProperties}), and
 * unknown keys are reported by {@link BusyPoolSettingsCheck}.
 */
final class SettingRules {

	/** Spring's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
	static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

	/** The embedded web server's port when {@code server.port} is not set. */
	private static final int DEFAULT_SERVER_PORT = 8080;

	private SettingRules() {
	}

	/**
	 * {@code busy-pool.shed.queue-interval} at least {@code busy-pool.shed.queue-target}.
	 * @param shed the shedding settings
	 */
	static void queueInterval(BusyPoolProperties.Shed shed) {
		if (shed.getQueueInterval().compareTo(shed.getQueueTarget()) < 0) {
			throw new InvalidBusyPoolPropertyException("busy-pool.shed.queue-interval", shed.getQueueInterval(),
					"must be at least busy-pool.shed.queue-target (" + shed.getQueueTarget() + ")",
					"Set busy-pool.shed.queue-interval higher, or busy-pool.shed.queue-target lower "
							+ "(defaults: 500ms and 50ms).");
		}
	}

	/**
	 * Returns the drain delay to use: {@code busy-pool.shutdown.drain-delay}, or half the
	 * shutdown phase when the default does not fit in it; refuses a set one that does not.
	 * @param shutdown the shutdown settings
	 * @param environment where the phase timeout and whether the delay was set are read
	 * @return the drain delay, shorter than the phase
	 */
	static Duration drainDelay(BusyPoolProperties.Shutdown shutdown, Environment environment) {
		Duration phase = shutdownPhaseTimeout(environment);
		Duration drainDelay = shutdown.getDrainDelay();
		if (drainDelay.compareTo(phase) >= 0 && !environment.containsProperty("busy-pool.shutdown.drain-delay")) {
			// The default, under a short phase timeout: keep half the phase for the rest.
			return phase.dividedBy(2);
		}
		if (drainDelay.compareTo(phase) >= 0) {
			throw new InvalidBusyPoolPropertyException("busy-pool.shutdown.drain-delay", drainDelay,
					"must be shorter than spring.lifecycle.timeout-per-shutdown-phase (" + phase
							+ "), which bounds the drain delay and the time queued requests get to run",
					"Set busy-pool.shutdown.drain-delay lower, or spring.lifecycle.timeout-per-shutdown-phase "
							+ "higher.");
		}
		return drainDelay;
	}

	/**
	 * Returns {@code spring.lifecycle.timeout-per-shutdown-phase}.
	 * @param environment where it is bound from
	 * @return the timeout, Spring's default if unset
	 */
	static Duration shutdownPhaseTimeout(Environment environment) {
		return Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
	}

	/**
	 * A server size that busy-pool's pool takes from Boot's properties: 1 or more.
	 * @param property the property, for example {@code server.tomcat.threads.max}
	 * @param value its value
	 * @return the value
	 */
	static int positive(String property, int value) {
		if (value < 1) {
			throw new InvalidBusyPoolPropertyException(property, value, "must be 1 or more",
					"Set " + property + " to 1 or more, or remove it to use the server's default.");
		}
		return value;
	}

	/**
	 * Refuses a busy-pool port that another listener of this application already uses,
	 * before anything binds, so the report names busy-pool's property rather than the web
	 * server's.
	 * @param environment where the other ports are bound from
	 * @param server the server's properties, or {@code null} to bind them
	 * @param property the busy-pool property being checked
	 * @param port its value; 0 (a free port) is always fine
	 * @param others the other port properties
	 */
	static void ownPort(Environment environment, ServerProperties server, String property, int port,
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

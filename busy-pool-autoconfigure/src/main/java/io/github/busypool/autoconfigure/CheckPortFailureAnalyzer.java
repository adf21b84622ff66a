package io.github.busypool.autoconfigure;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.tomcat.ConnectorStartFailedException;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Explains a check connector that failed to start by naming {@code busy-pool.check.port},
 * where Boot's own analysis would name only the port (and {@code server.port}). Tomcat
 * reports it as a {@link ConnectorStartFailedException}, Jetty as a
 * {@link PortInUseException}; failures of other ports are left to Boot.
 */
class CheckPortFailureAnalyzer implements FailureAnalyzer, Ordered {

	private static final boolean TOMCAT_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.tomcat.ConnectorStartFailedException",
			CheckPortFailureAnalyzer.class.getClassLoader());

	private final Environment environment;

	CheckPortFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		Integer checkPort = this.environment.getProperty("busy-pool.check.port", Integer.class);
		if (checkPort == null || checkPort == 0) {
			return null;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			Integer port = portOf(cause);
			if (port != null && port.intValue() == checkPort) {
				return new FailureAnalysis("busy-pool's check connector could not listen on busy-pool.check.port "
						+ checkPort + ": the port is in use, needs privileges (below 1024), or the address "
						+ "(server.address) is not this host's.",
						"Set busy-pool.check.port to a free port (0 picks one), or stop the process that listens on "
								+ checkPort + ".",
						cause);
			}
		}
		return null;
	}

	private static Integer portOf(Throwable cause) {
		if (cause instanceof PortInUseException inUse) {
			return inUse.getPort();
		}
		return TOMCAT_PRESENT ? TomcatPort.of(cause) : null;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	/** Kept apart so that the Tomcat type is loaded only where Tomcat is. */
	private static final class TomcatPort {

		static Integer of(Throwable cause) {
			return (cause instanceof ConnectorStartFailedException failed) ? failed.getPort() : null;
		}

	}

}

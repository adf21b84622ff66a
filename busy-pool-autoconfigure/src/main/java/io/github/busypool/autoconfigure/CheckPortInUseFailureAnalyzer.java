package io.github.busypool.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.web.server.PortInUseException;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Explains a check port that Jetty could not bind by naming {@code busy-pool.check.port},
 * where Boot's own analysis would name only the port and {@code server.port}. Other ports
 * are left to Boot. (Tomcat reports its connectors differently: see
 * {@link CheckPortFailureAnalyzer}.)
 */
class CheckPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<PortInUseException> implements Ordered {

	private final Environment environment;

	CheckPortInUseFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, PortInUseException cause) {
		Integer checkPort = this.environment.getProperty("busy-pool.check.port", Integer.class);
		if (checkPort == null || checkPort == 0 || checkPort != cause.getPort()) {
			return null;
		}
		return new FailureAnalysis("busy-pool's check connector could not listen on busy-pool.check.port "
				+ checkPort + ": the port is in use.",
				"Set busy-pool.check.port to a free port (0 picks one), or stop the process that listens on "
						+ checkPort + ".",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

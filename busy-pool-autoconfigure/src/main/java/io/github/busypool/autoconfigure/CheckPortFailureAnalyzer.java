package io.github.busypool.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.tomcat.ConnectorStartFailedException;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

/**
 * Explains a check connector that failed to start by naming {@code busy-pool.check.port},
 * where Boot's own analysis would name only the port. Other connectors are left to Boot.
 */
class CheckPortFailureAnalyzer extends AbstractFailureAnalyzer<ConnectorStartFailedException> implements Ordered {

	private final Environment environment;

	CheckPortFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ConnectorStartFailedException cause) {
		Integer checkPort = this.environment.getProperty("busy-pool.check.port", Integer.class);
		if (checkPort == null || checkPort != cause.getPort()) {
			return null;
		}
		return new FailureAnalysis("busy-pool's check connector could not listen on busy-pool.check.port "
				+ checkPort + ": the port is in use, needs privileges (below 1024), or the address "
				+ "(server.address) is not this host's.",
				"Set busy-pool.check.port to a free port (0 picks one), or stop the process that listens on "
						+ checkPort + ".",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

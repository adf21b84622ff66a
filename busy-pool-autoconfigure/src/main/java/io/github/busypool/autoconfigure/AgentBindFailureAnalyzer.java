package io.github.busypool.autoconfigure;

import java.net.InetSocketAddress;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

import io.github.busypool.check.agent.AgentBindException;

/**
 * Explains an agent that cannot listen, naming the property to change: the port when it
 * is taken, the address when it is not this host's.
 */
class AgentBindFailureAnalyzer extends AbstractFailureAnalyzer<AgentBindException> implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AgentBindException cause) {
		InetSocketAddress address = cause.getAddress();
		String where = address.getHostString() + ":" + address.getPort();
		String reason = (cause.getCause() != null) ? cause.getCause().getMessage() : cause.getMessage();
		if (cause.isPortInUse()) {
			return new FailureAnalysis(
					"busy-pool's HAProxy agent could not listen on " + where + ": busy-pool.agent.port "
							+ address.getPort() + " is already in use (" + reason + ").",
					"Set busy-pool.agent.port to a free port (0 picks one), or stop the process that listens on "
							+ address.getPort() + ".",
					cause);
		}
		if (String.valueOf(reason).contains("Permission denied")) {
			return new FailureAnalysis(
					"busy-pool's HAProxy agent could not listen on " + where + ": busy-pool.agent.port "
							+ address.getPort() + " needs privileges this process lacks (" + reason + ").",
					"Set busy-pool.agent.port to a port above 1023 (0 picks one).", cause);
		}
		return new FailureAnalysis(
				"busy-pool's HAProxy agent could not listen on " + where + " (" + reason + "). The address comes from "
						+ "busy-pool.agent.address, else server.address.",
				"Set busy-pool.agent.address to an address of this host (for example 127.0.0.1 or the address "
						+ "HAProxy reaches it on), or leave it unset to listen on server.address or all interfaces.",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

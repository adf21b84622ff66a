package io.github.busypool.sample;

import java.net.BindException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a stand-in downstream that could not listen, naming the property to change and
 * the switch that moves every port of the sample at once.
 */
class DownstreamPortFailureAnalyzer extends AbstractFailureAnalyzer<DownstreamPortException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, DownstreamPortException cause) {
		String why = (cause.getCause() instanceof BindException) ? "the port is in use, or the address is not this host's"
				: String.valueOf(cause.getCause());
		return new FailureAnalysis(
				"The sample's stand-in downstream could not listen on " + cause.getAddress() + ":" + cause.getPort()
						+ ": " + why + ".",
				"Set sample.downstream.embedded.port to a free port, or move all of the sample's ports at once with "
						+ SamplePortOffset.PROPERTY + " (for example --" + SamplePortOffset.PROPERTY
						+ "=100: 8180 to 8183, and 9190 for the downstream).",
				cause);
	}

}

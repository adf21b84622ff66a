package io.github.busypool.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Reports an {@link InvalidBusyPoolPropertyException} as one description that names the
 * property and its value, and an action that says the fix. It runs before Boot's own
 * binding analysis, which would find the same failure with a generic action.
 */
class InvalidBusyPoolPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidBusyPoolPropertyException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidBusyPoolPropertyException cause) {
		return new FailureAnalysis("Invalid busy-pool setting: " + cause.getMessage() + ".", cause.getAction(),
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

package io.github.busypool.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.Ordered;

/**
 * Reports an application on a Spring Boot line busy-pool does not support: which version it
 * found, which it supports, and what to do. Loads on Spring Boot 3 as well as 4.
 */
class UnsupportedBootVersionFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedBootVersionException>
		implements Ordered {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedBootVersionException cause) {
		String busyPool = UnsupportedBootVersionFailureAnalyzer.class.getPackage().getImplementationVersion();
		return new FailureAnalysis("busy-pool" + ((busyPool != null) ? " " + busyPool : "")
				+ " (busy-pool-starter) supports Spring Boot " + BootVersionCheck.SUPPORTED
				+ ", and this application runs Spring Boot " + cause.getBootVersion()
				+ ". It would fail on classes that only Spring Boot 4 has.",
				"Move the application to Spring Boot 4.0 or later, or remove busy-pool-starter until then "
						+ "(busy-pool.enabled=false also lets it start, without busy-pool).",
				cause);
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

}

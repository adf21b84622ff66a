package io.github.busypool.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.busypool.BusyStateListener;

/**
 * The stand-in downstream, and a listener that logs every busy/free transition.
 */
@Configuration(proxyBeanMethods = false)
class SampleConfiguration {

	private static final Log logger = LogFactory.getLog(SampleConfiguration.class);

	@Bean
	@ConditionalOnBooleanProperty(name = "sample.downstream.embedded.enabled", matchIfMissing = true)
	Downstream downstream(SampleProperties properties) {
		SampleProperties.Embedded embedded = properties.getEmbedded();
		return new Downstream(embedded.getAddress(), embedded.getPort(), embedded.getLatency().toMillis());
	}

	@Bean
	BusyStateListener transitionLogger() {
		return (t) -> logger.info("busy-pool " + t.from().label() + " -> " + t.to().label() + " (active "
				+ t.activeThreads() + ", idle " + t.idleThreads() + ", queued " + t.queued() + ", max "
				+ t.maxThreads() + ")");
	}

}

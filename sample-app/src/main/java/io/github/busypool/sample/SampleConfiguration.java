package io.github.busypool.sample;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.busypool.BusyStateListener;
import io.github.busypool.BusyTransition;

/**
 * The stand-in downstream, and a listener that logs busy/free transitions.
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

	/**
	 * Logs transitions, at most one line a second: a pool that flaps at the busy line makes
	 * thousands a second, and each line says how many it stood for.
	 */
	@Bean
	BusyStateListener transitionLogger() {
		return new BusyStateListener() {

			private long lastLogged = System.nanoTime() - 1_000_000_000L;

			private int unlogged;

			@Override
			public void onTransition(BusyTransition t) {
				long now = System.nanoTime();
				if (now - this.lastLogged < 1_000_000_000L) {
					this.unlogged++;
					return;
				}
				String more = (this.unlogged > 0) ? "; " + this.unlogged + " more transitions since the last line" : "";
				logger.info("busy-pool " + t.from().label() + " -> " + t.to().label() + " (active " + t.activeThreads()
						+ ", idle " + t.idleThreads() + ", queued " + t.queued() + ", max " + t.maxThreads() + more
						+ ")");
				this.lastLogged = now;
				this.unlogged = 0;
			}

		};
	}

}

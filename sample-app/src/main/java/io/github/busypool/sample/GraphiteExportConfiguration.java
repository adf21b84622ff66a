package io.github.busypool.sample;

import java.time.Duration;

import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.graphite.Graphite;
import com.codahale.metrics.graphite.GraphiteReporter;
import com.codahale.metrics.graphite.GraphiteSender;
import com.codahale.metrics.graphite.GraphiteUDP;
import com.codahale.metrics.graphite.PickledGraphite;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.dropwizard.DropwizardClock;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.graphite.GraphiteConfig;
import io.micrometer.graphite.GraphiteDimensionalNameMapper;
import io.micrometer.graphite.GraphiteHierarchicalNameMapper;
import io.micrometer.graphite.GraphiteMeterRegistry;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Boot's Graphite registry, built the way Boot and Micrometer build it, except that its
 * sender is a {@link QuietGraphiteSender}: when carbon is down the app logs one line, a
 * reminder now and then, and one line when export resumes, instead of a stack trace at
 * every step.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "management.graphite.metrics.export.enabled", matchIfMissing = true)
class GraphiteExportConfiguration {

	@Bean
	GraphiteMeterRegistry graphiteMeterRegistry(GraphiteConfig config, Clock clock,
			@Value("${sample.graphite.failure-reminder:1m}") Duration reminder) {
		MetricRegistry dropwizard = new MetricRegistry();
		GraphiteSender sender = new QuietGraphiteSender(sender(config), config.host() + ":" + config.port(),
				reminder);
		GraphiteReporter reporter = GraphiteReporter.forRegistry(dropwizard)
			.withClock(new DropwizardClock(clock))
			.convertRatesTo(config.rateUnits())
			.convertDurationsTo(config.durationUnits())
			.addMetricAttributesAsTags(config.graphiteTagsEnabled())
			.build(sender);
		HierarchicalNameMapper names = config.graphiteTagsEnabled() ? new GraphiteDimensionalNameMapper()
				: new GraphiteHierarchicalNameMapper(config.tagsAsPrefix());
		return new GraphiteMeterRegistry(config, clock, names, dropwizard, reporter);
	}

	private static GraphiteSender sender(GraphiteConfig config) {
		return switch (config.protocol()) {
			case PLAINTEXT -> new Graphite(config.host(), config.port());
			case UDP -> new GraphiteUDP(config.host(), config.port());
			default -> new PickledGraphite(config.host(), config.port());
		};
	}

}

package io.github.busypool.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

import io.github.busypool.BusyPool;
import io.github.busypool.actuate.BusyPoolHealthIndicator;
import io.github.busypool.check.CheckCounters;

/**
 * {@link AutoConfiguration Auto-configuration} for the {@code busyPool} health
 * component.
 */
@AutoConfiguration(after = BusyPoolAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(BusyPool.class)
@ConditionalOnEnabledHealthIndicator("busypool")
public final class BusyPoolHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "busyPoolHealthIndicator")
	BusyPoolHealthIndicator busyPoolHealthIndicator(BusyPool pool, ObjectProvider<CheckCounters> counters) {
		return new BusyPoolHealthIndicator(pool, counters.getIfAvailable());
	}

}

package io.github.busypool.autoconfigure;

import java.util.List;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.actuate.BusyPoolMetrics;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;

/**
 * {@link AutoConfiguration Auto-configuration} for the {@code busypool.*} meters.
 */
@AutoConfiguration(after = BusyPoolAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(BusyPoolExecutor.class)
public final class BusyPoolMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BusyPoolMetrics busyPoolMetrics(BusyPoolExecutor executor, CheckCounters counters) {
		return new BusyPoolMetrics(executor, counters, List.of(CheckVia.FILTER));
	}

}

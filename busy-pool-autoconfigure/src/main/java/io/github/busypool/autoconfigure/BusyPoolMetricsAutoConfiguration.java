package io.github.busypool.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import io.github.busypool.signal.DrainablePool;
import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.actuate.BusyPoolMetrics;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckPort;
import io.github.busypool.check.CheckVia;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.check.haproxy.HaproxyView;
import io.github.busypool.shed.Shedder;

/**
 * {@link AutoConfiguration Auto-configuration} for the {@code busypool.*} meters.
 */
@AutoConfiguration(after = BusyPoolAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(DrainablePool.class)
public final class BusyPoolMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BusyPoolMetrics busyPoolMetrics(DrainablePool pool, CheckCounters counters,
			ObjectProvider<HaproxyView> haproxy, ObjectProvider<CheckPort> checkConnector,
			ObjectProvider<BusyPoolAgent> agent, ObjectProvider<Shedder> shedder,
			ObjectProvider<ServiceSpeed> speed) {
		List<CheckVia> vias = new ArrayList<>();
		vias.add(CheckVia.FILTER);
		if (checkConnector.getIfAvailable() != null) {
			vias.add(CheckVia.PORT);
		}
		if (agent.getIfAvailable() != null) {
			vias.add(CheckVia.AGENT);
		}
		BusyPoolMetrics metrics = new BusyPoolMetrics(pool, counters, vias, haproxy.getIfAvailable());
		Shedder shed = shedder.getIfAvailable();
		if (shed != null) {
			metrics.withShedder(shed);
		}
		speed.ifAvailable(metrics::withSpeed);
		return metrics;
	}

}

package io.github.busypool.autoconfigure;

import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

import io.github.busypool.BusyPool;
import io.github.busypool.check.BusyPoolCheckFilter;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.haproxy.HaproxyView;
import io.github.busypool.haproxy.StateReporters;
import io.github.busypool.shed.Shedder;
import io.github.busypool.tomcat.BusyPoolCheckConnector;

/**
 * {@link AutoConfiguration Auto-configuration} for the {@link BusyPoolCheckFilter} that
 * answers a load balancer's check before any other filter, on the main port and on the
 * dedicated check port.
 */
@AutoConfiguration(after = BusyPoolAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBean(BusyPool.class)
public final class BusyPoolCheckAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "busyPoolCheckFilter")
	FilterRegistrationBean<BusyPoolCheckFilter> busyPoolCheckFilter(BusyPool pool,
			BusyPoolProperties properties, CheckCounters counters, ObjectProvider<HaproxyView> haproxy,
			ObjectProvider<BusyPoolCheckConnector> checkConnector, ObjectProvider<Shedder> shedder) {
		BusyPoolProperties.Check check = properties.getCheck();
		BusyPoolCheckFilter filter = new BusyPoolCheckFilter(pool::getState, check.getPath(),
				check.isHaproxyDefault(), counters, haproxy.getIfAvailable(), checkConnector.getIfAvailable());
		BusyPoolProperties.Check.ServerState serverState = check.getServerState();
		try {
			filter.setStateReporters(
					StateReporters.of(serverState.isCheckPortOnly(), serverState.getTrustedAddresses()));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidBusyPoolPropertyException("busy-pool.check.server-state.trusted-addresses",
					serverState.getTrustedAddresses(), "must list IP addresses or CIDR ranges: " + ex.getMessage(),
					"Set busy-pool.check.server-state.trusted-addresses to the addresses of your HAProxy nodes, "
							+ "for example 10.0.0.0/24,192.168.1.7, or leave it empty to accept any.");
		}
		Shedder shed = shedder.getIfAvailable();
		if (shed != null) {
			filter.setShedder(shed, properties.getShed().getRequestStartHeader());
		}
		FilterRegistrationBean<BusyPoolCheckFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("busyPoolCheckFilter");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		// Error dispatches too: on the check port, Tomcat's own errors (TRACE, say) must not
		// reach the application's error page.
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
		registration.addUrlPatterns("/*");
		return registration;
	}

}

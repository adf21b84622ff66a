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

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.check.BusyPoolCheckFilter;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.haproxy.HaproxyView;
import io.github.busypool.shed.Shedder;
import io.github.busypool.tomcat.BusyPoolCheckConnector;

/**
 * {@link AutoConfiguration Auto-configuration} for the {@link BusyPoolCheckFilter} that
 * answers a load balancer's check before any other filter, on the main port and on the
 * dedicated check port.
 */
@AutoConfiguration(after = BusyPoolAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBean(BusyPoolExecutor.class)
public final class BusyPoolCheckAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "busyPoolCheckFilter")
	FilterRegistrationBean<BusyPoolCheckFilter> busyPoolCheckFilter(BusyPoolExecutor executor,
			BusyPoolProperties properties, CheckCounters counters, ObjectProvider<HaproxyView> haproxy,
			ObjectProvider<BusyPoolCheckConnector> checkConnector, ObjectProvider<Shedder> shedder) {
		BusyPoolProperties.Check check = properties.getCheck();
		BusyPoolCheckFilter filter = new BusyPoolCheckFilter(executor::getState, check.getPath(),
				check.isHaproxyDefault(), counters, haproxy.getIfAvailable(), checkConnector.getIfAvailable());
		Shedder shed = shedder.getIfAvailable();
		if (shed != null) {
			filter.setShedder(shed, properties.getShed().getRequestStartHeader());
		}
		FilterRegistrationBean<BusyPoolCheckFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("busyPoolCheckFilter");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.addUrlPatterns("/*");
		return registration;
	}

}

package io.github.busypool.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.server.Server;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import io.github.busypool.BusyPool;
import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.servlet.BusyPoolCheckFilter;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckPort;
import io.github.busypool.check.StandingState;
import io.github.busypool.check.haproxy.HaproxyView;
import io.github.busypool.check.haproxy.StateReporters;
import io.github.busypool.jetty.BusyPoolJettyCheckConnector;
import io.github.busypool.limit.ConcurrencyLimit;
import io.github.busypool.servlet.ConcurrencyLimitFilter;
import io.github.busypool.shed.ClientDeadline;
import io.github.busypool.shed.DeadlineDefaults;
import io.github.busypool.servlet.ShedFilter;
import io.github.busypool.shed.Shedder;
import io.github.busypool.servlet.ServiceTimeFilter;
import io.github.busypool.tomcat.BusyPoolCheckConnector;

/**
 * {@link AutoConfiguration Auto-configuration} of what answers before the application
 * runs: the {@link BusyPoolCheckFilter}, first of all filters, on the main port and on the
 * dedicated check port; the check port's connector; with virtual threads, the
 * {@link ConcurrencyLimitFilter} right after it; and the {@link ShedFilter}, just before
 * the application.
 */
@AutoConfiguration(after = BusyPoolAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBean(BusyPool.class)
public final class BusyPoolCheckAutoConfiguration {

	/** The limit filter runs right after the check filter, before anything that may wait. */
	static final int LIMIT_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

	/** After the check filter and, with virtual threads, the concurrency limit. */
	static final int SHED_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

	/** After everything busy-pool answers itself: only the application's work is timed. */
	static final int SERVICE_TIME_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 3;

	/** The fewest requests at once the service-time table is sized for. */
	private static final int MIN_TIMED_CONCURRENCY = 64;

	@Bean
	@ConditionalOnMissingBean
	ServiceSpeed busyPoolServiceSpeed(BusyPool pool) {
		return new ServiceSpeed(Math.max(MIN_TIMED_CONCURRENCY, pool.snapshot().maxThreads()));
	}

	@Bean
	@ConditionalOnMissingBean(name = "busyPoolServiceTimeFilter")
	FilterRegistrationBean<ServiceTimeFilter> busyPoolServiceTimeFilter(ServiceSpeed speed) {
		FilterRegistrationBean<ServiceTimeFilter> registration = new FilterRegistrationBean<>(
				new ServiceTimeFilter(speed.times()));
		registration.setName("busyPoolServiceTimeFilter");
		registration.setOrder(SERVICE_TIME_FILTER_ORDER);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.addUrlPatterns("/*");
		return registration;
	}

	@Bean
	@ConditionalOnMissingBean
	CheckCounters busyPoolCheckCounters() {
		return new CheckCounters();
	}

	@Bean
	@ConditionalOnMissingBean
	HaproxyView busyPoolHaproxyView() {
		return new HaproxyView();
	}

	@Bean
	@ConditionalOnMissingBean(name = "busyPoolCheckFilter")
	FilterRegistrationBean<BusyPoolCheckFilter> busyPoolCheckFilter(BusyPool pool,
			BusyPoolProperties properties, CheckCounters counters, ObjectProvider<HaproxyView> haproxy,
			ObjectProvider<CheckPort> checkPort) {
		BusyPoolProperties.Check check = properties.getCheck();
		BusyPoolCheckFilter filter = new BusyPoolCheckFilter(new StandingState(pool), check.getPath(),
				check.isHaproxyDefault(), counters, haproxy.getIfAvailable(), checkPort.getIfAvailable());
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
		FilterRegistrationBean<BusyPoolCheckFilter> registration = new FilterRegistrationBean<>(filter);
		registration.setName("busyPoolCheckFilter");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		// Error dispatches too: on the check port, Tomcat's own errors (TRACE, say) must not
		// reach the application's error page.
		registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ERROR);
		registration.addUrlPatterns("/*");
		return registration;
	}

	@Bean
	@ConditionalOnBean(ConcurrencyLimit.class)
	@ConditionalOnMissingBean(name = "busyPoolConcurrencyLimitFilter")
	FilterRegistrationBean<ConcurrencyLimitFilter> busyPoolConcurrencyLimitFilter(ConcurrencyLimit limit) {
		FilterRegistrationBean<ConcurrencyLimitFilter> registration = new FilterRegistrationBean<>(
				new ConcurrencyLimitFilter(limit));
		registration.setName("busyPoolConcurrencyLimitFilter");
		registration.setOrder(LIMIT_FILTER_ORDER);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.addUrlPatterns("/*");
		return registration;
	}

	@Bean
	@ConditionalOnBean(Shedder.class)
	@ConditionalOnMissingBean(name = "busyPoolShedFilter")
	FilterRegistrationBean<ShedFilter> busyPoolShedFilter(Shedder shedder, BusyPoolProperties properties,
			ServiceSpeed speed) {
		BusyPoolProperties.Deadline deadline = properties.getDeadline();
		FilterRegistrationBean<ShedFilter> registration = new FilterRegistrationBean<>(
				new ShedFilter(shedder, properties.getShed().getRequestStartHeader(),
						deadline.isEnabled() ? deadlineDefaults(deadline) : null, speed));
		registration.setName("busyPoolShedFilter");
		registration.setOrder(SHED_FILTER_ORDER);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		registration.addUrlPatterns("/*");
		return registration;
	}

	/** The deadline defaults, from properties checked as they were bound. */
	static DeadlineDefaults deadlineDefaults(BusyPoolProperties.Deadline deadline) {
		Map<String, Long> paths = new LinkedHashMap<>();
		deadline.getPaths().forEach((path, timeout) -> paths.put(path, timeout.toMillis()));
		Duration global = deadline.getDefaultTimeout();
		return new DeadlineDefaults((global != null) ? global.toMillis() : ClientDeadline.ABSENT, paths);
	}

	private static int checkPort(BusyPoolProperties properties, Environment environment, ServerProperties server) {
		int port = properties.getCheck().getPort();
		SettingRules.ownPort(environment, server, "busy-pool.check.port", port, "server.port", "management.server.port");
		return port;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping")
	static class CheckPathShadowingConfiguration {

		@Bean
		CheckPathShadowing busyPoolCheckPathShadowing(BusyPoolProperties properties) {
			return new CheckPathShadowing(properties.getCheck().getPath());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tomcat.class, TomcatServletWebServerFactory.class })
	@ConditionalOnBean(TomcatServletWebServerFactory.class)
	@ConditionalOnProperty("busy-pool.check.port")
	static class TomcatCheckPortConfiguration {

		@Bean
		@ConditionalOnMissingBean(CheckPort.class)
		BusyPoolCheckConnector busyPoolCheckConnector(BusyPoolProperties properties, Environment environment,
				ObjectProvider<ServerProperties> server) {
			return new BusyPoolCheckConnector(checkPort(properties, environment, server.getIfAvailable()),
					properties.getCheck().getMaxConnections());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Server.class, JettyServletWebServerFactory.class })
	@ConditionalOnBean(JettyServletWebServerFactory.class)
	@ConditionalOnProperty("busy-pool.check.port")
	static class JettyCheckPortConfiguration {

		@Bean
		@ConditionalOnMissingBean(CheckPort.class)
		BusyPoolJettyCheckConnector busyPoolCheckConnector(BusyPoolProperties properties, Environment environment,
				ObjectProvider<ServerProperties> server) {
			return new BusyPoolJettyCheckConnector(checkPort(properties, environment, server.getIfAvailable()),
					properties.getCheck().getMaxConnections());
		}

	}

}

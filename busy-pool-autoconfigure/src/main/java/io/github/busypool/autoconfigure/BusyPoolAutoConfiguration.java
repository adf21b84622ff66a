package io.github.busypool.autoconfigure;

import java.time.Duration;

import jakarta.servlet.DispatcherType;
import org.apache.catalina.startup.Tomcat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;

import io.github.busypool.BusyStateListener;
import io.github.busypool.DrainablePool;
import io.github.busypool.limit.ConcurrencyLimit;
import io.github.busypool.limit.ConcurrencyLimitFilter;
import io.github.busypool.shed.QueueFinisher;
import io.github.busypool.shed.QueueTimeLimit;
import io.github.busypool.shed.Shedder;
import io.github.busypool.tomcat.BusyPoolExecutor;
import io.github.busypool.tomcat.BusyPoolTomcatCustomizer;

/**
 * {@link AutoConfiguration Auto-configuration} of the pool that Tomcat's requests run in,
 * and of its shutdown. Active in a servlet web application on embedded Tomcat.
 * <ul>
 * <li>With platform threads, Tomcat's executor is replaced by a {@link BusyPoolExecutor}
 * of {@code server.tomcat.threads.*}'s sizes.</li>
 * <li>With virtual threads ({@code spring.threads.virtual.enabled=true}, Java 21+), each
 * request keeps its own virtual thread, and a {@link ConcurrencyLimit} of
 * {@code server.tomcat.threads.max} permits lets at most that many run at once, the rest
 * waiting in arrival order.</li>
 * </ul>
 */
@AutoConfiguration(after = TomcatServletWebServerAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ Tomcat.class, TomcatServletWebServerFactory.class })
@ConditionalOnBooleanProperty(name = "busy-pool.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ BusyPoolProperties.class, TomcatServerProperties.class })
public final class BusyPoolAutoConfiguration {

	/** Spring's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
	static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

	/** The limit filter runs right after the check filter, before anything that may wait. */
	static final int LIMIT_FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 1;

	private static final Log logger = LogFactory.getLog(BusyPoolAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	Shedder busyPoolShedder(BusyPoolProperties properties) {
		BusyPoolProperties.Shed shed = properties.getShed();
		if (shed.getQueueInterval().compareTo(shed.getQueueTarget()) < 0) {
			throw new InvalidBusyPoolPropertyException("busy-pool.shed.queue-interval", shed.getQueueInterval(),
					"must be at least busy-pool.shed.queue-target (" + shed.getQueueTarget() + ")",
					"Set busy-pool.shed.queue-interval higher, or busy-pool.shed.queue-target lower "
							+ "(defaults: 500ms and 50ms).");
		}
		return new Shedder(
				shed.isEnabled() ? new QueueTimeLimit(shed.getQueueTarget(), shed.getQueueInterval()) : null);
	}

	@Bean
	BusyPoolLifecycle busyPoolLifecycle(DrainablePool pool, ObjectProvider<BusyStateListener> listeners,
			ApplicationEventPublisher publisher, BusyPoolProperties properties, Shedder shedder,
			BusyPoolTomcatCustomizer customizer, Environment environment) {
		Duration phase = shutdownPhaseTimeout(environment);
		Duration drainDelay = properties.getShutdown().getDrainDelay();
		if (drainDelay.compareTo(phase) >= 0) {
			throw new InvalidBusyPoolPropertyException("busy-pool.shutdown.drain-delay", drainDelay,
					"must be shorter than spring.lifecycle.timeout-per-shutdown-phase (" + phase
							+ "), which bounds the drain delay and the time queued requests get to run",
					"Set busy-pool.shutdown.drain-delay lower, or spring.lifecycle.timeout-per-shutdown-phase "
							+ "higher.");
		}
		boolean graceful = !"immediate"
			.equalsIgnoreCase(environment.getProperty("server.shutdown", "graceful").trim());
		return new BusyPoolLifecycle(pool, listeners, publisher, drainDelay, phase, graceful,
				new QueueFinisher(pool, shedder), customizer::stopAccepting);
	}

	private static Duration shutdownPhaseTimeout(Environment environment) {
		return Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
	}

	private static int requirePositive(String property, int value) {
		if (value < 1) {
			throw new InvalidBusyPoolPropertyException(property, value, "must be 1 or more",
					"Set " + property + " to 1 or more, or remove it to use Tomcat's default.");
		}
		return value;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.PLATFORM)
	static class PlatformThreadsConfiguration {

		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(DrainablePool.class)
		BusyPoolExecutor busyPoolExecutor(BusyPoolProperties properties, TomcatServerProperties tomcat) {
			TomcatServerProperties.Threads threads = tomcat.getThreads();
			int max = requirePositive("server.tomcat.threads.max", threads.getMax());
			int capacity = requirePositive("server.tomcat.threads.max-queue-capacity", threads.getMaxQueueCapacity());
			// Like Tomcat's own executor: min spare threads never exceed the maximum.
			int minSpare = Math.max(0, Math.min(threads.getMinSpare(), max));
			return new BusyPoolExecutor(minSpare, max, capacity, properties.getQueueTolerance());
		}

		@Bean
		@ConditionalOnMissingBean
		BusyPoolTomcatCustomizer busyPoolTomcatCustomizer(BusyPoolExecutor executor) {
			return new BusyPoolTomcatCustomizer(executor);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.VIRTUAL)
	static class VirtualThreadsConfiguration {

		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean(DrainablePool.class)
		ConcurrencyLimit busyPoolConcurrencyLimit(BusyPoolProperties properties, TomcatServerProperties tomcat) {
			int limit = requirePositive("server.tomcat.threads.max", tomcat.getThreads().getMax());
			logger.info("busy-pool: virtual threads; at most " + limit
					+ " requests run at once (server.tomcat.threads.max), the rest wait in order");
			return new ConcurrencyLimit(limit, properties.getQueueTolerance());
		}

		@Bean
		@ConditionalOnMissingBean
		BusyPoolTomcatCustomizer busyPoolTomcatCustomizer() {
			return new BusyPoolTomcatCustomizer(null);
		}

		@Bean
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

	}

}

package io.github.busypool.autoconfigure;

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
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyStateListener;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.tomcat.BusyPoolTomcatCustomizer;

/**
 * {@link AutoConfiguration Auto-configuration} that runs Tomcat's requests on a
 * {@link BusyPoolExecutor}. Active in a servlet web application on embedded Tomcat with
 * platform threads; with virtual threads there is no pool to be busy, so it backs off.
 */
@AutoConfiguration(after = TomcatServletWebServerAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnClass({ Tomcat.class, TomcatServletWebServerFactory.class })
@ConditionalOnBooleanProperty(name = "busy-pool.enabled", matchIfMissing = true)
public final class BusyPoolAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.PLATFORM)
	@EnableConfigurationProperties({ BusyPoolProperties.class, TomcatServerProperties.class })
	static class PlatformThreadsConfiguration {

		@Bean(destroyMethod = "")
		@ConditionalOnMissingBean
		BusyPoolExecutor busyPoolExecutor(BusyPoolProperties properties, TomcatServerProperties tomcat) {
			TomcatServerProperties.Threads threads = tomcat.getThreads();
			requirePositive("server.tomcat.threads.max", threads.getMax());
			requirePositive("server.tomcat.threads.max-queue-capacity", threads.getMaxQueueCapacity());
			// Like Tomcat's own executor: min spare threads never exceed the maximum.
			int minSpare = Math.max(0, Math.min(threads.getMinSpare(), threads.getMax()));
			return new BusyPoolExecutor(minSpare, threads.getMax(), threads.getMaxQueueCapacity(),
					properties.getQueueTolerance());
		}

		private static void requirePositive(String property, int value) {
			if (value < 1) {
				throw new InvalidConfigurationPropertyValueException(property, value, "must be 1 or more");
			}
		}

		@Bean
		@ConditionalOnMissingBean
		BusyPoolTomcatCustomizer busyPoolTomcatCustomizer(BusyPoolExecutor executor) {
			return new BusyPoolTomcatCustomizer(executor);
		}

		@Bean
		@ConditionalOnMissingBean
		CheckCounters busyPoolCheckCounters() {
			return new CheckCounters();
		}

		@Bean
		BusyPoolLifecycle busyPoolLifecycle(BusyPoolExecutor executor, ObjectProvider<BusyStateListener> listeners,
				ApplicationEventPublisher publisher) {
			return new BusyPoolLifecycle(executor, listeners, publisher);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.VIRTUAL)
	static class VirtualThreadsConfiguration {

		private static final Log logger = LogFactory.getLog(BusyPoolAutoConfiguration.class);

		VirtualThreadsConfiguration() {
			logger.info("busy-pool is inactive: with spring.threads.virtual.enabled=true, Tomcat runs each request "
					+ "on a new virtual thread, so there is no pool to be busy");
		}

	}

}

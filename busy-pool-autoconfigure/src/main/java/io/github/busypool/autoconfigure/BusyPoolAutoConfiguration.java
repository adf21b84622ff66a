package io.github.busypool.autoconfigure;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.apache.catalina.startup.Tomcat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.eclipse.jetty.server.Server;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.jetty.autoconfigure.JettyServerProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.github.busypool.BusyStateListener;
import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.signal.DrainablePool;
import io.github.busypool.signal.SignalledPool;
import io.github.busypool.shed.MainConnector;
import io.github.busypool.check.CheckPort;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.jetty.BusyPoolJettyCustomizer;
import io.github.busypool.jetty.BusyQueuedThreadPool;
import io.github.busypool.limit.ConcurrencyLimit;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.shed.DrainWait;
import io.github.busypool.shed.QueueFinisher;
import io.github.busypool.shed.QueueTimeLimit;
import io.github.busypool.shed.Shedder;
import io.github.busypool.tomcat.BusyPoolExecutor;
import io.github.busypool.tomcat.BusyPoolTomcatCustomizer;

/**
 * {@link AutoConfiguration Auto-configuration} of the pool that the web server's requests
 * run in, and of its shutdown. Active in a servlet web application on embedded Tomcat or
 * Jetty.
 * <ul>
 * <li>With platform threads, the server's pool is replaced by one that signals busy: a
 * {@link BusyPoolExecutor} of {@code server.tomcat.threads.*}'s sizes, or a
 * {@link BusyQueuedThreadPool} of {@code server.jetty.threads.*}'s.</li>
 * <li>With virtual threads ({@code spring.threads.virtual.enabled=true}, Java 21+), each
 * request keeps its own virtual thread, and a {@link ConcurrencyLimit} of
 * {@code server.tomcat.threads.max} (or {@code server.jetty.threads.max}) permits lets at
 * most that many run at once, the rest waiting in arrival order.</li>
 * </ul>
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration",
		"org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration" })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBooleanProperty(name = "busy-pool.enabled", matchIfMissing = true)
@EnableConfigurationProperties(BusyPoolProperties.class)
public final class BusyPoolAutoConfiguration {

	private static final Log logger = LogFactory.getLog(BusyPoolAutoConfiguration.class);

	@Bean
	@ConditionalOnBean(DrainablePool.class)
	@ConditionalOnMissingBean
	Shedder busyPoolShedder(BusyPoolProperties properties, ObjectProvider<ServiceSpeed> speed) {
		BusyPoolProperties.Shed shed = properties.getShed();
		SettingRules.queueInterval(shed);
		return new Shedder(
				shed.isEnabled() ? new QueueTimeLimit(shed.getQueueTarget(), shed.getQueueInterval()) : null,
				properties.getDeadline().isEnabled() ? speed.getIfAvailable() : null);
	}

	@Bean
	@ConditionalOnBean({ DrainablePool.class, MainConnector.class })
	BusyPoolListeners busyPoolListeners(DrainablePool pool, ObjectProvider<BusyStateListener> listeners,
			ApplicationEventPublisher publisher) {
		return new BusyPoolListeners(pool, listeners, publisher);
	}

	@Bean
	@ConditionalOnBean({ DrainablePool.class, MainConnector.class })
	BusyPoolStartupSummary busyPoolStartupSummary(DrainablePool pool, ObjectProvider<ConcurrencyLimit> limit,
			BusyPoolProperties properties, ObjectProvider<CheckPort> checkPort, ObjectProvider<BusyPoolAgent> agent) {
		return new BusyPoolStartupSummary(pool, limit.getIfAvailable() != null, properties,
				checkPort.getIfAvailable(), agent.getIfAvailable());
	}

	@Bean
	@ConditionalOnBean({ DrainablePool.class, MainConnector.class })
	BusyPoolLifecycle busyPoolLifecycle(DrainablePool pool, BusyPoolProperties properties, Shedder shedder,
			MainConnector connector, Environment environment, ObjectProvider<CheckCounters> counters,
			ObjectProvider<ServiceSpeed> speed) {
		Duration phase = SettingRules.shutdownPhaseTimeout(environment);
		Duration drainDelay = SettingRules.drainDelay(properties.getShutdown(), environment);
		boolean graceful = !"immediate"
			.equalsIgnoreCase(environment.getProperty("server.shutdown", "graceful").trim());
		ServiceSpeed times = speed.getIfAvailable();
		LongSupplier begun = (times != null) ? times.times()::begun : () -> 0;
		return new BusyPoolLifecycle(pool, drainDelay, phase, graceful, new QueueFinisher(pool, shedder, begun),
				new DrainWait(counters.getIfAvailable(), begun), connector::stopAccepting);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tomcat.class, TomcatServletWebServerFactory.class })
	@ConditionalOnBean(TomcatServletWebServerFactory.class)
	@EnableConfigurationProperties(TomcatServerProperties.class)
	static class TomcatConfiguration {

		@Bean(destroyMethod = "")
		@ConditionalOnThreading(Threading.PLATFORM)
		@ConditionalOnMissingBean
		BusyPoolExecutor busyPoolExecutor(BusyPoolProperties properties, TomcatServerProperties tomcat) {
			TomcatServerProperties.Threads threads = tomcat.getThreads();
			int max = SettingRules.positive("server.tomcat.threads.max", threads.getMax());
			int capacity = SettingRules.positive("server.tomcat.threads.max-queue-capacity", threads.getMaxQueueCapacity());
			// Like Tomcat's own executor: min spare threads never exceed the maximum.
			int minSpare = Math.max(0, Math.min(threads.getMinSpare(), max));
			return new BusyPoolExecutor(minSpare, max, capacity, properties.getQueueTolerance());
		}

		@Bean(destroyMethod = "")
		@ConditionalOnThreading(Threading.PLATFORM)
		SignalledPool busyPoolOfExecutor(BusyPoolExecutor executor) {
			return executor.busyPool();
		}

		@Bean
		@ConditionalOnThreading(Threading.PLATFORM)
		@ConditionalOnMissingBean
		BusyPoolTomcatCustomizer busyPoolTomcatCustomizer(BusyPoolExecutor executor) {
			return new BusyPoolTomcatCustomizer(executor);
		}

		@Bean
		@ConditionalOnThreading(Threading.VIRTUAL)
		@ConditionalOnMissingBean
		ConcurrencyLimit busyPoolConcurrencyLimit(BusyPoolProperties properties, TomcatServerProperties tomcat) {
			return concurrencyLimit("server.tomcat.threads.max", tomcat.getThreads().getMax(), properties);
		}

		@Bean(destroyMethod = "")
		@ConditionalOnThreading(Threading.VIRTUAL)
		SignalledPool busyPoolOfTomcatLimit(ConcurrencyLimit limit) {
			return limit.busyPool();
		}

		@Bean
		@ConditionalOnThreading(Threading.VIRTUAL)
		@ConditionalOnMissingBean
		BusyPoolTomcatCustomizer busyPoolVirtualThreadsTomcatCustomizer() {
			return new BusyPoolTomcatCustomizer(null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Server.class, JettyServletWebServerFactory.class })
	@ConditionalOnBean(JettyServletWebServerFactory.class)
	@EnableConfigurationProperties(JettyServerProperties.class)
	static class JettyConfiguration {

		@Bean(destroyMethod = "")
		@ConditionalOnThreading(Threading.PLATFORM)
		@ConditionalOnMissingBean
		BusyQueuedThreadPool busyPoolJettyThreadPool(BusyPoolProperties properties, JettyServerProperties jetty) {
			JettyServerProperties.Threads threads = jetty.getThreads();
			int max = SettingRules.positive("server.jetty.threads.max", threads.getMax());
			Integer capacity = threads.getMaxQueueCapacity();
			if (capacity != null) {
				SettingRules.positive("server.jetty.threads.max-queue-capacity", capacity);
			}
			// Min threads and idle timeout: taken from the pool Boot makes (see
			// BusyPoolJettyCustomizer), defaults included.
			return new BusyQueuedThreadPool(max, capacity, properties.getQueueTolerance());
		}

		@Bean(destroyMethod = "")
		@ConditionalOnThreading(Threading.PLATFORM)
		SignalledPool busyPoolOfJettyPool(BusyQueuedThreadPool pool) {
			return pool.busyPool();
		}

		@Bean
		@ConditionalOnThreading(Threading.PLATFORM)
		@ConditionalOnMissingBean
		BusyPoolJettyCustomizer busyPoolJettyCustomizer(BusyQueuedThreadPool pool) {
			return new BusyPoolJettyCustomizer(pool);
		}

		@Bean
		@ConditionalOnThreading(Threading.VIRTUAL)
		@ConditionalOnMissingBean
		ConcurrencyLimit busyPoolConcurrencyLimit(BusyPoolProperties properties, JettyServerProperties jetty) {
			return concurrencyLimit("server.jetty.threads.max", jetty.getThreads().getMax(), properties);
		}

		@Bean(destroyMethod = "")
		@ConditionalOnThreading(Threading.VIRTUAL)
		SignalledPool busyPoolOfJettyLimit(ConcurrencyLimit limit) {
			return limit.busyPool();
		}

		@Bean
		@ConditionalOnThreading(Threading.VIRTUAL)
		@ConditionalOnMissingBean
		BusyPoolJettyCustomizer busyPoolVirtualThreadsJettyCustomizer() {
			return new BusyPoolJettyCustomizer(null);
		}

	}

	private static ConcurrencyLimit concurrencyLimit(String property, int max, BusyPoolProperties properties) {
		int limit = SettingRules.positive(property, max);
		logger.info("busy-pool: virtual threads; at most " + limit + " requests run at once (" + property
				+ "), the rest wait in order");
		return new ConcurrencyLimit(limit, properties.getQueueTolerance());
	}

}

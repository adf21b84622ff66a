package io.github.busypool.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.apache.catalina.startup.Tomcat;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnThreading;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.boot.tomcat.autoconfigure.TomcatServerProperties;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyStateListener;
import io.github.busypool.agent.BusyPoolAgent;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.haproxy.HaproxyView;
import io.github.busypool.shed.QueueFinisher;
import io.github.busypool.shed.QueueTimeLimit;
import io.github.busypool.shed.Shedder;
import io.github.busypool.tomcat.BusyPoolCheckConnector;
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

	/** Spring's default for {@code spring.lifecycle.timeout-per-shutdown-phase}. */
	static final Duration DEFAULT_SHUTDOWN_PHASE_TIMEOUT = Duration.ofSeconds(30);

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
				throw new InvalidBusyPoolPropertyException(property, value, "must be 1 or more",
						"Set " + property + " to 1 or more, or remove it to use Tomcat's default.");
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
		@ConditionalOnMissingBean
		HaproxyView busyPoolHaproxyView() {
			return new HaproxyView();
		}

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
			return new Shedder(shed.isEnabled() ? new QueueTimeLimit(shed.getQueueTarget(), shed.getQueueInterval())
					: null);
		}

		@Bean
		BusyPoolLifecycle busyPoolLifecycle(BusyPoolExecutor executor, ObjectProvider<BusyStateListener> listeners,
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
			return new BusyPoolLifecycle(executor, listeners, publisher, drainDelay, phase, graceful,
					new QueueFinisher(executor, shedder), customizer::stopAccepting);
		}

		private static Duration shutdownPhaseTimeout(Environment environment) {
			return Binder.get(environment)
				.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
				.orElse(DEFAULT_SHUTDOWN_PHASE_TIMEOUT);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.PLATFORM)
	@ConditionalOnProperty("busy-pool.check.port")
	static class CheckPortConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BusyPoolCheckConnector busyPoolCheckConnector(BusyPoolProperties properties, Environment environment) {
			int port = properties.getCheck().getPort();
			requireOwnPort(environment, "busy-pool.check.port", port, "server.port", "management.server.port");
			return new BusyPoolCheckConnector(port, properties.getCheck().getMaxConnections());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnThreading(Threading.PLATFORM)
	@ConditionalOnProperty("busy-pool.agent.port")
	static class AgentConfiguration {

		@Bean
		@ConditionalOnMissingBean
		BusyPoolAgent busyPoolAgent(BusyPool pool, BusyPoolProperties properties,
				CheckCounters counters, Environment environment) {
			BusyPoolProperties.Agent agent = properties.getAgent();
			int port = agent.getPort();
			requireOwnPort(environment, "busy-pool.agent.port", port, "server.port", "busy-pool.check.port",
					"management.server.port");
			InetAddress address = agent.getAddress();
			if (address == null) {
				address = Binder.get(environment).bind("server.address", InetAddress.class).orElse(null);
			}
			InetSocketAddress bind = (address != null) ? new InetSocketAddress(address, port)
					: new InetSocketAddress(port);
			int maxconn = agent.isSendMaxconn() ? pool.snapshot().maxThreads() : 0;
			return new BusyPoolAgent(pool, bind, agent.getWeightSmoothing(), maxconn, counters);
		}

		@Bean
		BusyPoolAgentLifecycle busyPoolAgentLifecycle(BusyPoolAgent agent) {
			return new BusyPoolAgentLifecycle(agent);
		}

	}

	private static void requireOwnPort(Environment environment, String property, int port, String... others) {
		if (port == 0) {
			return;
		}
		for (String other : others) {
			Integer taken = environment.getProperty(other, Integer.class);
			if (taken == null && "server.port".equals(other)) {
				taken = 8080;
			}
			if (taken != null && taken == port) {
				throw new InvalidBusyPoolPropertyException(property, port, "must differ from " + other + " (" + taken + ")",
						"Set " + property + " to a free port of its own, or 0 to pick one.");
			}
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

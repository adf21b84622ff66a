package io.github.busypool.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.github.busypool.BusyState;
import io.github.busypool.actuate.BusyPoolHealthIndicator;
import io.github.busypool.actuate.BusyPoolMetrics;
import io.github.busypool.servlet.BusyPoolCheckFilter;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.check.haproxy.HaproxyView;
import io.github.busypool.limit.ConcurrencyLimit;
import io.github.busypool.tomcat.BusyPoolCheckConnector;
import io.github.busypool.tomcat.BusyPoolExecutor;
import io.github.busypool.tomcat.BusyPoolTomcatCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class BusyPoolAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class,
				BusyPoolAutoConfiguration.class,
				BusyPoolCheckAutoConfiguration.class, BusyPoolHealthAutoConfiguration.class,
				BusyPoolMetricsAutoConfiguration.class, BusyPoolAgentAutoConfiguration.class));

	@Test
	void runShouldCreatePoolCustomizerFilterHealthAndMetrics() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(BusyPoolExecutor.class)
				.hasSingleBean(BusyPoolTomcatCustomizer.class)
				.hasSingleBean(BusyPoolHealthIndicator.class)
				.hasSingleBean(BusyPoolMetrics.class)
				.hasBean("busyPoolHealthIndicator")
				.hasBean("busyPoolCheckFilter");
			FilterRegistrationBean<?> filter = context.getBean("busyPoolCheckFilter", FilterRegistrationBean.class);
			assertThat(filter.getFilter()).isInstanceOf(BusyPoolCheckFilter.class);
			assertThat(filter.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
		});
	}

	@Test
	void runShouldSizePoolFromServerTomcatThreads() {
		this.contextRunner
			.withPropertyValues("server.tomcat.threads.max=7", "server.tomcat.threads.min-spare=3",
					"server.tomcat.threads.max-queue-capacity=50", "busy-pool.queue-tolerance=2")
			.run((context) -> {
				BusyPoolExecutor executor = context.getBean(BusyPoolExecutor.class);
				assertThat(executor.getMaximumPoolSize()).isEqualTo(7);
				assertThat(executor.getMinSpareThreads()).isEqualTo(3);
				assertThat(executor.getQueue().remainingCapacity()).isEqualTo(50);
				assertThat(executor.getQueueTolerance()).isEqualTo(2);
			});
	}

	@Test
	void runShouldCapMinSpareThreadsAtMaxLikeTomcat() {
		this.contextRunner.withPropertyValues("server.tomcat.threads.max=4").run((context) -> {
			BusyPoolExecutor executor = context.getBean(BusyPoolExecutor.class);
			assertThat(executor.getMaximumPoolSize()).isEqualTo(4);
			assertThat(executor.getMinSpareThreads()).isEqualTo(4);
		});
	}

	@Test
	void runWithZeroMaxThreadsShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("server.tomcat.threads.max=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("server.tomcat.threads.max")
				.hasMessageContaining("must be 1 or more"));
	}

	@Test
	void runShouldShutDownPoolWhenContextCloses() {
		BusyPoolExecutor[] executor = new BusyPoolExecutor[1];
		this.contextRunner.run((context) -> executor[0] = context.getBean(BusyPoolExecutor.class));
		assertThat(executor[0].isTerminated()).isTrue();
		assertThat(executor[0].busyPool().getState()).isEqualTo(BusyState.DRAINING);
	}

	@Test
	void runWhenDisabledShouldCreateNothing() {
		this.contextRunner.withPropertyValues("busy-pool.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(BusyPoolExecutor.class)
				.doesNotHaveBean(BusyPoolTomcatCustomizer.class)
				.doesNotHaveBean("busyPoolCheckFilter")
				.doesNotHaveBean(BusyPoolHealthIndicator.class)
				.doesNotHaveBean(BusyPoolMetrics.class);
		});
	}

	@Test
	void runWhenNotAWebApplicationShouldCreateNothing() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(BusyPoolAutoConfiguration.class,
				BusyPoolCheckAutoConfiguration.class, BusyPoolHealthAutoConfiguration.class,
				BusyPoolMetricsAutoConfiguration.class, BusyPoolAgentAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(BusyPoolExecutor.class)
				.doesNotHaveBean(BusyPoolHealthIndicator.class));
	}

	@Test
	void runWithoutTomcatShouldCreateNothing() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Tomcat.class))
			.run((context) -> assertThat(context).doesNotHaveBean(BusyPoolExecutor.class)
				.doesNotHaveBean("busyPoolCheckFilter")
				.doesNotHaveBean(BusyPoolHealthIndicator.class));
	}

	@Test
	void runWithoutHealthShouldCreatePoolButNoIndicator() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasSingleBean(BusyPoolExecutor.class)
				.doesNotHaveBean(BusyPoolHealthIndicator.class));
	}

	@Test
	void runWithoutMicrometerShouldCreatePoolButNoMetrics() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterBinder.class))
			.run((context) -> assertThat(context).hasSingleBean(BusyPoolExecutor.class)
				.doesNotHaveBean(BusyPoolMetrics.class));
	}

	@Test
	void runWhenHealthIndicatorDisabledShouldNotCreateIndicator() {
		this.contextRunner.withPropertyValues("management.health.busypool.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(BusyPoolExecutor.class)
				.doesNotHaveBean(BusyPoolHealthIndicator.class));
	}

	@Test
	void runWithUserExecutorShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserExecutorConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(BusyPoolExecutor.class);
			assertThat(context.getBean(BusyPoolExecutor.class)).isSameAs(context.getBean("userExecutor"));
			assertThat(context.getBean(BusyPoolExecutor.class).getMaximumPoolSize()).isEqualTo(3);
		});
	}

	@Test
	void runWithUserHealthIndicatorShouldUseIt() {
		this.contextRunner.withUserConfiguration(UserHealthConfiguration.class)
			.run((context) -> assertThat(context.getBean("busyPoolHealthIndicator"))
				.isNotInstanceOf(BusyPoolHealthIndicator.class));
	}

	@Test
	void runWithNegativeToleranceShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("busy-pool.queue-tolerance=-1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessage("busy-pool.queue-tolerance must be 0 or more, was -1");
			assertThat(context.getStartupFailure()).hasRootCauseInstanceOf(IllegalArgumentException.class)
				.hasStackTraceContaining(BindException.class.getName());
		});
	}

	@Test
	void runWithCheckPathWithoutLeadingSlashShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("busy-pool.check.path=busy-pool/check").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageStartingWith("busy-pool.check.path must start with '/'")
				.hasMessageEndingWith("was 'busy-pool/check'");
		});
	}

	@Test
	void runWithRootCheckPathShouldFail() {
		this.contextRunner.withPropertyValues("busy-pool.check.path=/")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("busy-pool.check.path"));
	}

	@Test
	void runWithoutPortsShouldCreateNeitherCheckConnectorNorAgent() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(BusyPoolCheckConnector.class)
			.doesNotHaveBean(BusyPoolAgent.class)
			.hasSingleBean(HaproxyView.class));
	}

	@Test
	void runWithCheckPortShouldAddConnectorAndReportChecksViaPort() {
		this.contextRunner.withPropertyValues("busy-pool.check.port=0").run((context) -> {
			assertThat(context).hasSingleBean(BusyPoolCheckConnector.class).doesNotHaveBean(BusyPoolAgent.class);
			SimpleMeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(BusyPoolMetrics.class).bindTo(registry);
			assertThat(registry.find("busypool.checks").tag("via", "port").functionCounters()).hasSize(3);
			assertThat(registry.find("busypool.checks").tag("via", "agent").functionCounters()).isEmpty();
		});
	}

	@Test
	void runWithAgentPortShouldCreateAgentThatSendsMaxconnOfThreadsMax() {
		this.contextRunner
			.withPropertyValues("busy-pool.agent.port=0", "server.tomcat.threads.max=6",
					"busy-pool.agent.address=127.0.0.1")
			.run((context) -> {
				assertThat(context).hasSingleBean(BusyPoolAgent.class).hasSingleBean(BusyPoolAgentLifecycle.class);
				BusyPoolAgent agent = context.getBean(BusyPoolAgent.class);
				assertThat(agent.isRunning()).isTrue();
				try (Socket socket = new Socket("127.0.0.1", agent.getPort())) {
					String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
					assertThat(reply).isEqualTo("ready up 100% maxconn:6\n");
				}
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(BusyPoolMetrics.class).bindTo(registry);
				assertThat(registry.get("busypool.checks").tags("via", "agent", "answer", "free").functionCounter()
					.count()).isEqualTo(1);
			});
	}

	@Test
	void runWithAgentWithoutMaxconnShouldSendWeightOnly() {
		this.contextRunner
			.withPropertyValues("busy-pool.agent.port=0", "busy-pool.agent.address=127.0.0.1",
					"busy-pool.agent.send-maxconn=false")
			.run((context) -> {
				try (Socket socket = new Socket("127.0.0.1", context.getBean(BusyPoolAgent.class).getPort())) {
					assertThat(socket.getInputStream().readAllBytes()).asString(StandardCharsets.US_ASCII)
						.isEqualTo("ready up 100%\n");
				}
			});
	}

	@Test
	void runWithPortOutOfRangeShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("busy-pool.check.port=70000")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessage("busy-pool.check.port must be a port from 0 to 65535, was 70000"));
		this.contextRunner.withPropertyValues("busy-pool.agent.port=-1")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageStartingWith("busy-pool.agent.port must be a port from 0 to 65535"));
	}

	@Test
	void runWithCheckPortEqualToServerPortShouldFailNamingBoth() {
		this.contextRunner.withPropertyValues("server.port=9000", "busy-pool.check.port=9000")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidBusyPoolPropertyException.class)
				.hasMessageContaining("busy-pool.check.port")
				.hasMessageContaining("must differ from server.port (9000)"));
		this.contextRunner.withPropertyValues("busy-pool.agent.port=8080")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("busy-pool.agent.port")
				.hasMessageContaining("must differ from server.port (8080)"));
		this.contextRunner.withPropertyValues("busy-pool.check.port=9001", "busy-pool.agent.port=9001")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("must differ from busy-pool.check.port (9001)"));
	}

	@Test
	void runWithNegativeDurationsShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("busy-pool.shutdown.drain-delay=-1s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessage("busy-pool.shutdown.drain-delay must be from 0ms to 1h, was PT-1S"));
		this.contextRunner.withPropertyValues("busy-pool.agent.weight-smoothing=-5ms")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageStartingWith("busy-pool.agent.weight-smoothing must be from 0ms to 1h"));
	}

	@Test
	void runWithDrainDelayNotShorterThanTheShutdownPhaseShouldFailNamingBoth() {
		this.contextRunner.withPropertyValues("busy-pool.shutdown.drain-delay=30s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidBusyPoolPropertyException.class)
				.hasMessageContaining("busy-pool.shutdown.drain-delay")
				.hasMessageContaining("must be shorter than spring.lifecycle.timeout-per-shutdown-phase (PT30S)"));
		this.contextRunner
			.withPropertyValues("busy-pool.shutdown.drain-delay=30s", "spring.lifecycle.timeout-per-shutdown-phase=45s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void runWithShedSettingsOutOfOrderShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("busy-pool.shed.queue-target=600ms")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("busy-pool.shed.queue-interval")
				.hasMessageContaining("must be at least busy-pool.shed.queue-target (PT0.6S)"));
		this.contextRunner.withPropertyValues("busy-pool.shed.request-start-header=X Start")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageStartingWith("busy-pool.shed.request-start-header must be an HTTP header name"));
	}

	@Test
	void runWithAgentPortInUseShouldFailNamingTheProperty() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			this.contextRunner
				.withPropertyValues("busy-pool.agent.port=" + taken.getLocalPort(), "busy-pool.agent.address=127.0.0.1")
				.run((context) -> assertThat(context.getStartupFailure())
					.hasRootCauseInstanceOf(java.net.BindException.class)
					.hasStackTraceContaining("busy-pool agent cannot listen on 127.0.0.1:" + taken.getLocalPort()
							+ ": Address already in use"));
		}
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void runWithVirtualThreadsShouldLimitConcurrencyToThreadsMaxAndSayWhat(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("spring.threads.virtual.enabled=true", "server.tomcat.threads.max=12",
					"busy-pool.queue-tolerance=3", "busy-pool.agent.port=0")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(BusyPoolExecutor.class)
					.hasSingleBean(ConcurrencyLimit.class)
					.hasSingleBean(BusyPoolTomcatCustomizer.class)
					.hasBean("busyPoolCheckFilter")
					.hasBean("busyPoolConcurrencyLimitFilter")
					.hasBean("busyPoolShedFilter")
					.hasSingleBean(BusyPoolHealthIndicator.class)
					.hasSingleBean(BusyPoolAgent.class);
				ConcurrencyLimit limit = context.getBean(ConcurrencyLimit.class);
				assertThat(limit.busyPool().snapshot().maxThreads()).isEqualTo(12);
				assertThat(limit.busyPool().snapshot().maxThreads()).isEqualTo(12);
				// The filters run in this order: check, limit, shed.
				int check = context.getBean("busyPoolCheckFilter", FilterRegistrationBean.class).getOrder();
				int permit = context.getBean("busyPoolConcurrencyLimitFilter", FilterRegistrationBean.class)
					.getOrder();
				int shed = context.getBean("busyPoolShedFilter", FilterRegistrationBean.class).getOrder();
				assertThat(check).isLessThan(permit);
				assertThat(permit).isLessThan(shed);
				assertThat(output).containsOnlyOnce("at most 12 requests run at once");
			});
		this.contextRunner
			.withPropertyValues("spring.threads.virtual.enabled=true", "server.tomcat.threads.max=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidBusyPoolPropertyException.class)
				.hasMessageContaining("server.tomcat.threads.max"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserExecutorConfiguration {

		@Bean(destroyMethod = "shutdown")
		BusyPoolExecutor userExecutor() {
			return new BusyPoolExecutor(1, 3, 100, 0);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthConfiguration {

		@Bean
		HealthIndicator busyPoolHealthIndicator() {
			return () -> org.springframework.boot.health.contributor.Health.up().build();
		}

	}

}

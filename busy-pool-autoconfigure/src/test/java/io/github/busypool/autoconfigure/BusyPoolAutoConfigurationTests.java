package io.github.busypool.autoconfigure;

import io.micrometer.core.instrument.binder.MeterBinder;
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
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyState;
import io.github.busypool.actuate.BusyPoolHealthIndicator;
import io.github.busypool.actuate.BusyPoolMetrics;
import io.github.busypool.check.BusyPoolCheckFilter;
import io.github.busypool.tomcat.BusyPoolTomcatCustomizer;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class BusyPoolAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BusyPoolAutoConfiguration.class,
				BusyPoolCheckAutoConfiguration.class, BusyPoolHealthAutoConfiguration.class,
				BusyPoolMetricsAutoConfiguration.class));

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
		assertThat(executor[0].getState()).isEqualTo(BusyState.DRAINING);
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
				BusyPoolMetricsAutoConfiguration.class))
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
	@EnabledForJreRange(min = JRE.JAVA_21)
	void runWithVirtualThreadsShouldBackOffAndSayWhy(CapturedOutput output) {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			assertThat(context).doesNotHaveBean(BusyPoolExecutor.class)
				.doesNotHaveBean(BusyPoolTomcatCustomizer.class)
				.doesNotHaveBean("busyPoolCheckFilter")
				.doesNotHaveBean(BusyPoolHealthIndicator.class);
			assertThat(output).containsOnlyOnce("busy-pool is inactive: with spring.threads.virtual.enabled=true");
		});
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

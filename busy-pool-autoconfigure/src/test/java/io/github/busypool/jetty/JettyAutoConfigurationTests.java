package io.github.busypool.jetty;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.jetty.autoconfigure.JettyServerProperties;
import org.springframework.boot.jetty.autoconfigure.JettyWebServerFactoryCustomizer;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.busypool.BusyPool;
import io.github.busypool.signal.DrainablePool;
import io.github.busypool.shed.MainConnector;
import io.github.busypool.autoconfigure.BusyPoolAgentAutoConfiguration;
import io.github.busypool.autoconfigure.BusyPoolAutoConfiguration;
import io.github.busypool.autoconfigure.BusyPoolCheckAutoConfiguration;
import io.github.busypool.autoconfigure.BusyPoolHealthAutoConfiguration;
import io.github.busypool.autoconfigure.BusyPoolMetricsAutoConfiguration;
import io.github.busypool.autoconfigure.InvalidBusyPoolPropertyException;
import io.github.busypool.check.CheckPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The auto-configuration on Jetty (this execution has no Tomcat on its class path).
 */
@ExtendWith(OutputCaptureExtension.class)
class JettyAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JettyServletWebServerAutoConfiguration.class,
				BusyPoolAutoConfiguration.class, BusyPoolCheckAutoConfiguration.class,
				BusyPoolHealthAutoConfiguration.class, BusyPoolMetricsAutoConfiguration.class,
				BusyPoolAgentAutoConfiguration.class));

	@Test
	void runShouldGiveJettyABusyPoolOfServerJettyThreadsSizes() {
		this.contextRunner
			.withPropertyValues("server.jetty.threads.max=12", "server.jetty.threads.min=4",
					"server.jetty.threads.idle-timeout=5s", "server.jetty.threads.max-queue-capacity=100",
					"busy-pool.queue-tolerance=2")
			.run((context) -> {
				assertThat(context).hasSingleBean(BusyQueuedThreadPool.class)
					.hasSingleBean(BusyPoolJettyCustomizer.class)
					.hasSingleBean(DrainablePool.class)
					.hasSingleBean(MainConnector.class)
					.hasBean("busyPoolCheckFilter")
					.hasBean("busyPoolShedFilter")
					.doesNotHaveBean("busyPoolConcurrencyLimitFilter")
					.doesNotHaveBean(CheckPort.class);
				BusyQueuedThreadPool pool = context.getBean(BusyQueuedThreadPool.class);
				// Sized from the pool Boot makes of server.jetty.threads.*, as the web
				// server's factory is customized: Boot's customizer first, then busy-pool's.
				JettyServletWebServerFactory factory = new JettyServletWebServerFactory();
				new JettyWebServerFactoryCustomizer(context.getEnvironment(),
						context.getBeanProvider(ServerProperties.class).getIfAvailable(ServerProperties::new),
						context.getBean(JettyServerProperties.class))
					.customize(factory);
				context.getBean(BusyPoolJettyCustomizer.class).customize(factory);
				assertThat(factory.getThreadPool()).isSameAs(pool);
				assertThat(pool.getMaxThreads()).isEqualTo(12);
				assertThat(pool.getMinThreads()).isEqualTo(4);
				assertThat(pool.getIdleTimeout()).isEqualTo(5000);
				assertThat(pool.getQueueTolerance()).isEqualTo(2);
				assertThat(pool.getReservedThreads()).isZero();
				assertThat(context.getBean(BusyPool.class)).isSameAs(pool.busyPool());
			});
	}

	@Test
	void runWithACheckPortShouldAddAJettyCheckConnector() {
		this.contextRunner.withPropertyValues("busy-pool.check.port=0")
			.run((context) -> assertThat(context).getBean(CheckPort.class)
				.isInstanceOf(BusyPoolJettyCheckConnector.class));
	}

	@Test
	void runWithAQueueThatHoldsNothingShouldFailNamingTheProperty() {
		this.contextRunner.withPropertyValues("server.jetty.threads.max-queue-capacity=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidBusyPoolPropertyException.class)
				.hasMessageContaining("server.jetty.threads.max-queue-capacity"));
		this.contextRunner.withPropertyValues("server.jetty.threads.max=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidBusyPoolPropertyException.class)
				.hasMessageContaining("server.jetty.threads.max"));
	}

	@Test
	void runWithBusyPoolDisabledShouldLeaveJettyAlone() {
		this.contextRunner.withPropertyValues("busy-pool.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(BusyQueuedThreadPool.class)
				.doesNotHaveBean(BusyPool.class)
				.doesNotHaveBean("busyPoolCheckFilter"));
	}

	@Test
	void checkPortInUseNamesTheProperty(CapturedOutput output) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertThatException()
				.isThrownBy(() -> new SpringApplicationBuilder(JettyIntegrationTests.JettyApplication.class)
					.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
							"busy-pool.check.port=" + taken.getLocalPort())
					.run()
					.close());
			String report = output.getOut().substring(output.getOut().lastIndexOf("APPLICATION FAILED TO START"));
			assertThat(report).contains("busy-pool.check.port " + taken.getLocalPort())
				.contains("Set busy-pool.check.port to a free port");
		}
	}

}

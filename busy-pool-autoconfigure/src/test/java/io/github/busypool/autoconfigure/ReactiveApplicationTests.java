package io.github.busypool.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.busypool.BusyPool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reactive application with the starter: one line says busy-pool is inactive and why,
 * and names the ports it was asked to open; nothing else is installed.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReactiveApplicationTests {

	private static final AutoConfigurations ALL = AutoConfigurations.of(BusyPoolSettingsAutoConfiguration.class,
			BusyPoolAutoConfiguration.class, BusyPoolCheckAutoConfiguration.class,
			BusyPoolHealthAutoConfiguration.class, BusyPoolMetricsAutoConfiguration.class,
			BusyPoolAgentAutoConfiguration.class, BusyPoolReactiveAutoConfiguration.class);

	@Test
	void aReactiveApplicationIsToldOnceThatBusyPoolIsInactiveWithThePortsNotOpened(CapturedOutput output) {
		new ReactiveWebApplicationContextRunner().withConfiguration(ALL)
			.withPropertyValues("busy-pool.check.port=8082", "busy-pool.agent.port=8083")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(BusyPool.class);
				assertThat(output).containsOnlyOnce("busy-pool is inactive: this is a reactive (WebFlux) application")
					.contains("not opened: busy-pool.check.port=8082 busy-pool.agent.port=8083");
			});
	}

	@Test
	void busyPoolEnabledFalseSilencesIt(CapturedOutput output) {
		new ReactiveWebApplicationContextRunner().withConfiguration(ALL)
			.withPropertyValues("busy-pool.enabled=false")
			.run((context) -> assertThat(output).doesNotContain("busy-pool is inactive"));
	}

	@Test
	void aServletApplicationIsNotToldIt(CapturedOutput output) {
		new WebApplicationContextRunner().withConfiguration(ALL)
			.run((context) -> assertThat(output).doesNotContain("busy-pool is inactive"));
	}

}

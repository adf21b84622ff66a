package io.github.busypool.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class BusyPoolSettingsCheckTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(BusyPoolSettingsAutoConfiguration.class));

	@Test
	void typosAreReportedOnceWithTheNearestKnownKey(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("busy-pool.check.prot=8082", "busy-pool.shutdown.drain-dealy=5s",
					"busy-pool.completely-unknown=1", "busy-pool.check.port=8082")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(output).containsOnlyOnce("busy-pool ignores unknown properties:")
					.contains("busy-pool.check.prot (did you mean busy-pool.check.port?)")
					.contains("busy-pool.shutdown.drain-dealy (did you mean busy-pool.shutdown.drain-delay?)")
					.contains("busy-pool.completely-unknown;")
					.doesNotContain("busy-pool.check.port;")
					.doesNotContain("busy-pool.check.port (");
			});
	}

	@Test
	void knownKeysListsAndEnvironmentVariablesPassInSilence(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("busy-pool.enabled=true", "busy-pool.queue-tolerance=2", "busy-pool.check.path=/c",
					"busy-pool.check.server-state.trusted-addresses[0]=10.0.0.0/8",
					"busy-pool.check.server-state.trusted-addresses[1]=::1", "busy-pool.agent.weight-smoothing=0s",
					"busy-pool.shed.queue-target=50ms")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("BUSYPOOL_AGENT_PORT", "0", "BUSYPOOL_CHECK_MAXCONNECTIONS", "10",
								"BUSYPOOL_CHECK_PROT", "1"))))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				// Only the one typo among them, which shows environment variables are read.
				assertThat(output).containsOnlyOnce("busy-pool ignores unknown properties: busypool.check.prot")
					.doesNotContain("maxconnections");
			});
	}

	@Test
	void enabledMustBeTrueOrFalse() {
		for (String value : new String[] { "maybe", "yes", "1", "" }) {
			this.contextRunner.withPropertyValues("busy-pool.enabled=" + value)
				.run((context) -> assertThat(context.getStartupFailure()).as(value)
					.rootCause()
					.isInstanceOf(InvalidBusyPoolPropertyException.class)
					.hasMessageStartingWith("busy-pool.enabled must be true or false"));
		}
		for (String value : new String[] { "true", "FALSE", " false " }) {
			this.contextRunner.withPropertyValues("busy-pool.enabled=" + value)
				.run((context) -> assertThat(context).as(value).hasNotFailed());
		}
	}

}

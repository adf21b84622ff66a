package io.github.busypool.autoconfigure;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * The Boot line check. It runs for real on Spring Boot 3.5 in the {@code boot3-check}
 * module; here, what it accepts and what its report says.
 */
class BootVersionCheckTests {

	@Test
	void acceptsBoot4Only() {
		assertThat(BootVersionCheck.isSupported("4.0.7")).isTrue();
		assertThat(BootVersionCheck.isSupported("4.1.2")).isTrue();
		assertThat(BootVersionCheck.isSupported("3.5.7")).isFalse();
		assertThat(BootVersionCheck.isSupported("3.4.0")).isFalse();
		assertThat(BootVersionCheck.isSupported("5.0.0")).isFalse();
	}

	@Test
	void thisBootPassesAndBusyPoolEnabledFalseIsNeverStopped() {
		GenericApplicationContext context = new GenericApplicationContext();
		assertThatNoException().isThrownBy(() -> new BootVersionCheck().initialize(context));
		MockEnvironment disabled = new MockEnvironment().withProperty("busy-pool.enabled", "false");
		context.setEnvironment(disabled);
		assertThatNoException().isThrownBy(() -> new BootVersionCheck().initialize(context));
	}

	@Test
	void theReportNamesBusyPoolTheVersionFoundTheLinesSupportedAndWhatToDo() {
		FailureAnalysis analysis = new UnsupportedBootVersionFailureAnalyzer()
			.analyze(new IllegalStateException(new UnsupportedBootVersionException("3.5.7")));
		assertThat(analysis.getDescription()).contains("busy-pool", "Spring Boot 3.5.7", "4.0.x and 4.1.x");
		assertThat(analysis.getAction()).contains("Spring Boot 4.0", "remove busy-pool-starter",
				"busy-pool.enabled=false");
	}

}

package io.github.busypool.boot3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A Spring Boot 3.5 web application with busy-pool's starter added: startup stops at once
 * with one report that names busy-pool, the Boot version found, the versions supported and
 * what to do (it used to fail deep in configuration processing on a missing Boot 4 class,
 * and the log never named busy-pool); with {@code busy-pool.enabled=false} the application
 * starts.
 */
@ExtendWith(OutputCaptureExtension.class)
class Boot3ApplicationTests {

	@Test
	void runsOnBoot3() {
		assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
	}

	@Test
	void startupStopsWithAReportThatNamesBusyPoolAndTheBootLines(CapturedOutput output) {
		SpringApplication application = new SpringApplication(App.class);
		application.setDefaultProperties(java.util.Map.of("server.port", "0", "server.address", "127.0.0.1"));

		assertThatException().isThrownBy(application::run);

		String report = output.getOut() + output.getErr();
		assertThat(report).contains("APPLICATION FAILED TO START")
			.contains("busy-pool")
			.contains("Spring Boot " + SpringBootVersion.getVersion())
			.contains("4.0")
			.contains("busy-pool.enabled=false")
			.doesNotContain("org.springframework.boot.thread.Threading");
	}

	@Test
	void withBusyPoolDisabledTheApplicationStarts() {
		SpringApplication application = new SpringApplication(App.class);
		application.setDefaultProperties(java.util.Map.of("server.port", "0", "server.address", "127.0.0.1",
				"busy-pool.enabled", "false"));
		try (var context = application.run()) {
			assertThat(context.isActive()).isTrue();
		}
	}

	@SpringBootApplication
	static class App {

	}

}

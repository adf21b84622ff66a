package io.github.busypool.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code busy-pool.check.path} that is also a route of the application is warned about at
 * startup, naming the route: busy-pool would answer it instead.
 */
@ExtendWith(OutputCaptureExtension.class)
class CheckPathShadowingTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TomcatServletWebServerAutoConfiguration.class,
				DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class,
				BusyPoolAutoConfiguration.class, BusyPoolCheckAutoConfiguration.class))
		.withUserConfiguration(Routes.class);

	@Test
	void aCheckPathThatIsAlsoARouteIsWarnedAbout(CapturedOutput output) {
		this.contextRunner.withPropertyValues("busy-pool.check.path=/sleep").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("busy-pool.check.path /sleep is also a route of this application (/sleep -> ")
				.contains("Routes#sleep")
				.contains("Set busy-pool.check.path to a path of its own");
		});
	}

	@Test
	void aCheckPathOfItsOwnIsNot(CapturedOutput output) {
		this.contextRunner.withPropertyValues("busy-pool.check.path=/busy-pool/check").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).doesNotContain("is also a route of this application");
		});
	}

	@Test
	void aWildcardRouteThatCoversTheCheckPathIsWarnedAboutToo(CapturedOutput output) {
		this.contextRunner.withPropertyValues("busy-pool.check.path=/files/check").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(output).contains("busy-pool.check.path /files/check is also a route of this application (/files/**");
		});
	}

	@RestController
	static class Routes {

		@GetMapping("/sleep")
		String sleep() {
			return "slept";
		}

		@GetMapping("/files/**")
		String files() {
			return "file";
		}

	}

}

package io.github.busypool.autoconfigure;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A real application started with careless settings: each one stops startup with one
 * "APPLICATION FAILED TO START" report that names the property and says the fix, and no
 * stack trace.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupFailureMessagesTests {

	static Stream<Arguments> carelessSettings() {
		return Stream.of(Arguments.of("busy-pool.enabled", "maybe", "must be true or false"),
				Arguments.of("busy-pool.enabled", "yes", "must be true or false"),
				Arguments.of("busy-pool.check.path", "/b\u00fcsy", "not U+00FC"),
				Arguments.of("busy-pool.check.path", "/busy pool", "not U+0020"),
				Arguments.of("busy-pool.check.path", "/busy%20pool", "not '%'"),
				Arguments.of("busy-pool.check.path", "/a/../check", "'..' segments"),
				Arguments.of("busy-pool.check.path", "/check;v=1", "not ';'"),
				Arguments.of("busy-pool.shutdown.drain-delay", "9999999999999d", "must be from 0ms to 1h"),
				Arguments.of("busy-pool.agent.weight-smoothing", "9999999999999d", "must be from 0ms to 1h"),
				Arguments.of("busy-pool.shed.queue-target", "9999999999999d", "must be from 0ms to 1h"),
				Arguments.of("busy-pool.deadline.default-timeout", "0ms", "must be from 1ms to 1h"),
				Arguments.of("busy-pool.deadline.paths[/api/report]", "2h", "must be from 1ms to 1h"),
				Arguments.of("busy-pool.deadline.paths[api]", "1s", "the key must be a path starting with /"),
				Arguments.of("busy-pool.check.max-connections", "0", "must be from 1 to 65535"),
				Arguments.of("busy-pool.check.server-state.trusted-addresses", "10.0.0.0/8,lb.example.com",
						"'lb.example.com' is not an IP address or CIDR range"),
				Arguments.of("busy-pool.check.server-state.trusted-addresses", "10.0.0.0/33",
						"prefix length outside 0 to 32"),
				Arguments.of("busy-pool.queue-tolerance", "-1", "must be 0 or more"),
				Arguments.of("busy-pool.check.port", "70000", "must be a port from 0 to 65535"),
				Arguments.of("busy-pool.shed.request-start-header", "X Start", "must be an HTTP header name"),
				Arguments.of("server.tomcat.threads.max", "0", "must be 1 or more"),
				// 192.0.2.1 is TEST-NET-1: never an address of this host.
				Arguments.of("busy-pool.agent.address", "192.0.2.1", "Set busy-pool.agent.address to an address"));
	}

	@ParameterizedTest(name = "{0}={1}")
	@MethodSource("carelessSettings")
	void carelessSettingStopsStartupWithOneClearReport(String property, String value, String expected,
			CapturedOutput output) {
		List<String> properties = new ArrayList<>(List.of(property + "=" + value));
		if (property.startsWith("busy-pool.agent.")) {
			properties.add("busy-pool.agent.port=0");
		}
		assertFailsWithOneReport(output, properties, property, expected);
	}

	@Test
	void agentPortInUseNamesThePort(CapturedOutput output) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertFailsWithOneReport(output,
					List.of("busy-pool.agent.port=" + taken.getLocalPort(), "busy-pool.agent.address=127.0.0.1"),
					"busy-pool.agent.port " + taken.getLocalPort() + " is already in use",
					"Set busy-pool.agent.port to a free port");
		}
	}

	@Test
	void checkPortInUseNamesTheProperty(CapturedOutput output) throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			assertFailsWithOneReport(output, List.of("busy-pool.check.port=" + taken.getLocalPort()),
					"busy-pool.check.port " + taken.getLocalPort(), "Set busy-pool.check.port to a free port");
		}
	}

	private static void assertFailsWithOneReport(CapturedOutput output, List<String> properties, String property,
			String expected) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(FailingApplication.class)
			// Without the MBean registry, Tomcat disables it for the whole JVM; and a failed
			// start may leave MBeans behind, so the port is not 0, whose MBean name
			// ("http-nio-auto-1") later tests in this JVM would share.
			.properties("server.port=" + freePort(), "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"server.tomcat.mbeanregistry.enabled=true")
			.properties(properties.toArray(String[]::new))
			.run()
			.close());
		String report = output.getOut().substring(output.getOut().lastIndexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("Description:").contains("Action:").contains(property).contains(expected);
		// The action says the fix, not Boot's generic "Update your application's configuration".
		assertThat(report.substring(report.indexOf("Action:"))).contains("Set ")
			.doesNotContain("Update your application");
		assertThat(output.getOut()).containsOnlyOnce("APPLICATION FAILED TO START")
			.doesNotContain("Application run failed");
		// No stack trace anywhere, the check connector's failure to bind included.
		assertThat(output.getOut().lines().filter((line) -> line.startsWith("\tat "))).as(output.getOut())
			.isEmpty();
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class FailingApplication {

	}

}

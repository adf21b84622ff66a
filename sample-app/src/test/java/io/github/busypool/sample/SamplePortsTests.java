package io.github.busypool.sample;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The sample's five ports: one switch moves them all, and a clash on the downstream's port
 * is reported like Boot's own, naming the property.
 */
@ExtendWith(OutputCaptureExtension.class)
class SamplePortsTests {

	private final SamplePortOffset offset = new SamplePortOffset();

	private MockEnvironment samplePorts() {
		return new MockEnvironment().withProperty("server.port", "8080")
			.withProperty("management.server.port", "8081")
			.withProperty("busy-pool.check.port", "8082")
			.withProperty("busy-pool.agent.port", "8083")
			.withProperty("sample.downstream.embedded.port", "9090");
	}

	@Test
	void anOffsetMovesEveryPortAndLeavesFreePortsFree() {
		MockEnvironment environment = samplePorts().withProperty("sample.port-offset", "100")
			.withProperty("busy-pool.agent.port", "0");
		this.offset.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("server.port")).isEqualTo("8180");
		assertThat(environment.getProperty("management.server.port")).isEqualTo("8181");
		assertThat(environment.getProperty("busy-pool.check.port")).isEqualTo("8182");
		assertThat(environment.getProperty("busy-pool.agent.port")).isEqualTo("0");
		assertThat(environment.getProperty("sample.downstream.embedded.port")).isEqualTo("9190");
	}

	@Test
	void noOffsetChangesNothing() {
		MockEnvironment environment = samplePorts().withProperty("sample.port-offset", "0");
		this.offset.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("server.port")).isEqualTo("8080");
		assertThat(environment.getPropertySources().contains("sample port offset")).isFalse();
	}

	@Test
	void anOffsetThatWouldLeaveThePortRangeIsRefusedNamingTheProperty() {
		MockEnvironment environment = samplePorts().withProperty("sample.port-offset", "60000");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> this.offset.postProcessEnvironment(environment, new SpringApplication()))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("sample.port-offset"))
			.withMessageContaining("68080");
		MockEnvironment words = samplePorts().withProperty("sample.port-offset", "a lot");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> this.offset.postProcessEnvironment(words, new SpringApplication()));
	}

	@Test
	void theDownstreamsPortInUseIsReportedNamingThePropertyWithoutAStackTrace(CapturedOutput output)
			throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			// Arguments, not default properties: application.yml would override those.
			assertThatException().isThrownBy(() -> new SpringApplicationBuilder(SampleApplication.class)
				.run("--server.port=0", "--management.server.port=0", "--busy-pool.check.port=0",
						"--busy-pool.agent.port=0", "--sample.downstream.embedded.port=" + taken.getLocalPort(),
						"--management.graphite.metrics.export.enabled=false", "--spring.main.banner-mode=off")
				.close());
		}
		String out = output.getOut();
		String report = out.substring(out.lastIndexOf("APPLICATION FAILED TO START"));
		assertThat(report).contains("stand-in downstream could not listen")
			.contains("Set sample.downstream.embedded.port")
			.contains("sample.port-offset");
		assertThat(out.lines().filter((line) -> line.startsWith("\tat "))).as(out).isEmpty();
	}

}

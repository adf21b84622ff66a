package io.github.busypool.sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * One switch for the sample's five ports: {@code sample.port-offset=N} adds N to the main
 * port (8080), actuator's (8081), the check port (8082), the agent's (8083) and the stand-in
 * downstream's (9090), wherever each was set. Ports of 0 (pick a free one) stay 0.
 */
class SamplePortOffset implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY = "sample.port-offset";

	static final List<String> PORTS = List.of("server.port", "management.server.port", "busy-pool.check.port",
			"busy-pool.agent.port", "sample.downstream.embedded.port");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String value = environment.getProperty(PROPERTY);
		if (value == null || value.isBlank()) {
			return;
		}
		int offset;
		try {
			offset = Integer.parseInt(value.trim());
		}
		catch (NumberFormatException ex) {
			throw new InvalidConfigurationPropertyValueException(PROPERTY, value,
					"It must be a whole number of ports to move the sample's ports by, for example 100.");
		}
		if (offset == 0) {
			return;
		}
		Map<String, Object> moved = new LinkedHashMap<>();
		for (String name : PORTS) {
			Integer port = environment.getProperty(name, Integer.class);
			if (port == null || port == 0) {
				continue;
			}
			int target = port + offset;
			if (target < 1 || target > 65535) {
				throw new InvalidConfigurationPropertyValueException(PROPERTY, value,
						"It would move " + name + " from " + port + " to " + target
								+ ", outside 1 to 65535; pick an offset that keeps every port in range.");
			}
			moved.put(name, target);
		}
		environment.getPropertySources().addFirst(new MapPropertySource("sample port offset", moved));
	}

	/** After the configuration files are read, so that it moves the ports they set. */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}

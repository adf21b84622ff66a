package io.github.busypool.autoconfigure;

import org.springframework.boot.SpringBootVersion;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Stops an application on a Spring Boot line busy-pool does not support before its
 * auto-configuration is read, with a report that names busy-pool (see
 * {@link UnsupportedBootVersionFailureAnalyzer}). On Spring Boot 3 the auto-configuration
 * would otherwise fail on a class that only Boot 4 has, in a log that never names busy-pool.
 * <p>
 * Uses only what Spring Boot 3 and 4 share, so that it loads on both. Does nothing when
 * {@code busy-pool.enabled} is {@code false}.
 */
final class BootVersionCheck implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** The Spring Boot lines busy-pool supports, as the report says them. */
	static final String SUPPORTED = "4.0.x and 4.1.x";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if ("false".equalsIgnoreCase(context.getEnvironment().getProperty("busy-pool.enabled", "true").trim())) {
			return;
		}
		String version = SpringBootVersion.getVersion();
		if (version != null && !isSupported(version)) {
			throw new UnsupportedBootVersionException(version);
		}
	}

	static boolean isSupported(String version) {
		return version.startsWith("4.");
	}

}

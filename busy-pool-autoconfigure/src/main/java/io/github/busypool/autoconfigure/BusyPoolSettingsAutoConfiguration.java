package io.github.busypool.autoconfigure;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * {@link AutoConfiguration Auto-configuration} that checks the {@code busy-pool.*}
 * settings in every application that has the starter, whether busy-pool is on or not:
 * see {@link BusyPoolSettingsCheck}.
 */
@AutoConfiguration(before = BusyPoolAutoConfiguration.class)
public final class BusyPoolSettingsAutoConfiguration {

	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static BusyPoolSettingsCheck busyPoolSettingsCheck(Environment environment, ResourceLoader resourceLoader) {
		return new BusyPoolSettingsCheck(environment, resourceLoader.getClassLoader());
	}

}

package io.github.busypool.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * {@link AutoConfiguration Auto-configuration} for a reactive (WebFlux) application: busy-pool
 * does not run there, and says so in one line at startup, with the check and agent ports it
 * was asked to open and does not.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnBooleanProperty(name = "busy-pool.enabled", matchIfMissing = true)
public final class BusyPoolReactiveAutoConfiguration {

	private static final Log logger = LogFactory.getLog(BusyPoolReactiveAutoConfiguration.class);

	@Bean
	SmartInitializingSingleton busyPoolInactiveOnReactive(Environment environment) {
		return () -> logger.warn(message(environment));
	}

	static String message(Environment environment) {
		StringBuilder line = new StringBuilder("busy-pool is inactive: this is a reactive (WebFlux) application, and "
				+ "busy-pool works on servlet applications (Spring MVC) on Tomcat or Jetty, with platform or "
				+ "virtual threads. No check, health component or meters are installed");
		String checkPort = environment.getProperty("busy-pool.check.port");
		String agentPort = environment.getProperty("busy-pool.agent.port");
		if (checkPort != null || agentPort != null) {
			line.append("; not opened:");
			if (checkPort != null) {
				line.append(" busy-pool.check.port=").append(checkPort);
			}
			if (agentPort != null) {
				line.append(" busy-pool.agent.port=").append(agentPort);
			}
		}
		return line.append(". Remove busy-pool-starter, or set busy-pool.enabled=false to silence this.").toString();
	}

}

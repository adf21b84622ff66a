package io.github.busypool.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.IntSupplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

import io.github.busypool.BusyPool;
import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.agent.BusyPoolAgent;

/**
 * {@link AutoConfiguration Auto-configuration} of the HAProxy agent-check responder, on
 * {@code busy-pool.agent.port}, for any {@link BusyPool}.
 */
@AutoConfiguration(after = BusyPoolCheckAutoConfiguration.class)
@ConditionalOnBean(BusyPool.class)
@ConditionalOnProperty("busy-pool.agent.port")
public final class BusyPoolAgentAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	BusyPoolAgent busyPoolAgent(BusyPool pool, BusyPoolProperties properties, CheckCounters counters,
			Environment environment, ObjectProvider<ServerProperties> server, ObjectProvider<ServiceSpeed> speed) {
		BusyPoolProperties.Agent agent = properties.getAgent();
		int port = agent.getPort();
		SettingRules.ownPort(environment, server.getIfAvailable(), "busy-pool.agent.port", port, "server.port",
				"busy-pool.check.port", "management.server.port");
		InetAddress address = agent.getAddress();
		if (address == null) {
			ServerProperties serverProperties = server.getIfAvailable();
			address = (serverProperties != null) ? serverProperties.getAddress() : null;
		}
		InetSocketAddress bind = (address != null) ? new InetSocketAddress(address, port)
				: new InetSocketAddress(port);
		// Read when the agent starts, after the web server: Jetty's pool knows its size then.
		IntSupplier maxconn = agent.isSendMaxconn() ? () -> pool.snapshot().maxThreads() : () -> 0;
		BusyPoolAgent responder = new BusyPoolAgent(pool, bind, agent.getWeightSmoothing(), maxconn, counters);
		if (agent.isWeighBySpeed()) {
			speed.ifAvailable(responder::setSpeed);
		}
		return responder;
	}

	@Bean
	BusyPoolAgentLifecycle busyPoolAgentLifecycle(BusyPoolAgent agent) {
		return new BusyPoolAgentLifecycle(agent);
	}

}

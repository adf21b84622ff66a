package io.github.busypool.autoconfigure;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.SmartLifecycle;

import io.github.busypool.check.agent.BusyPoolAgent;

/**
 * Runs the {@link BusyPoolAgent} while the web server runs: it starts after the web
 * server has started, and stops after graceful shutdown has finished, so HAProxy hears
 * {@code drain} for the whole drain delay and graceful shutdown.
 */
final class BusyPoolAgentLifecycle implements SmartLifecycle {

	/** Between the web server's start/stop phase and its graceful shutdown phase. */
	static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE - 512;

	private final BusyPoolAgent agent;

	BusyPoolAgentLifecycle(BusyPoolAgent agent) {
		this.agent = agent;
	}

	@Override
	public void start() {
		this.agent.start();
	}

	@Override
	public void stop() {
		this.agent.stop();
	}

	@Override
	public boolean isRunning() {
		return this.agent.isRunning();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

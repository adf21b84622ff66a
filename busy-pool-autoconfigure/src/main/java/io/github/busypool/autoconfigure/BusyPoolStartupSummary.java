package io.github.busypool.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;

import io.github.busypool.check.CheckPort;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.signal.DrainablePool;

/**
 * Logs one line that says what busy-pool installed: the pool's size, the rule, where checks
 * are answered. Once the application has started, when the ports are known.
 */
final class BusyPoolStartupSummary implements ApplicationListener<ApplicationStartedEvent> {

	private static final Log logger = LogFactory.getLog(BusyPoolStartupSummary.class);

	private final DrainablePool pool;

	private final boolean virtualThreads;

	private final BusyPoolProperties properties;

	private final CheckPort checkPort;

	private final BusyPoolAgent agent;

	/**
	 * @param virtualThreads whether the pool is a concurrency limit on virtual threads
	 * @param checkPort the check port, or {@code null}
	 * @param agent the agent, or {@code null}
	 */
	BusyPoolStartupSummary(DrainablePool pool, boolean virtualThreads, BusyPoolProperties properties,
			CheckPort checkPort, BusyPoolAgent agent) {
		this.pool = pool;
		this.virtualThreads = virtualThreads;
		this.properties = properties;
		this.checkPort = checkPort;
		this.agent = agent;
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		logger.info(line());
	}

	String line() {
		int max = this.pool.snapshot().maxThreads();
		String size = this.virtualThreads ? "at most " + max + " requests at once (virtual threads)" : max + " threads";
		BusyPoolProperties.Check check = this.properties.getCheck();
		StringBuilder line = new StringBuilder("busy-pool: ").append(size)
			.append(", busy when waiting requests outnumber idle ")
			.append(this.virtualThreads ? "permits" : "threads")
			.append(" by more than ")
			.append(this.properties.getQueueTolerance())
			.append("; checks answered on ")
			.append(check.getPath());
		if (check.isHaproxyDefault()) {
			line.append(" and OPTIONS /");
		}
		if (this.checkPort != null) {
			line.append(", check port ").append(this.checkPort.getPort());
		}
		if (this.agent != null) {
			line.append(", agent port ").append(this.agent.getPort());
		}
		return line.toString();
	}

}

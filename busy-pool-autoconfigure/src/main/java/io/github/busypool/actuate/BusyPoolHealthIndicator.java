package io.github.busypool.actuate;

import java.time.Instant;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyState;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} for a
 * {@link BusyPoolExecutor}: {@code UP} when free, {@code OUT_OF_SERVICE} when busy or
 * draining.
 */
public class BusyPoolHealthIndicator extends AbstractHealthIndicator {

	static final String STATE = "state";

	static final String ACTIVE_THREADS = "activeThreads";

	static final String IDLE_THREADS = "idleThreads";

	static final String QUEUED = "queued";

	static final String MAX_THREADS = "maxThreads";

	static final String BUSY_SINCE = "busySince";

	private final BusyPoolExecutor executor;

	public BusyPoolHealthIndicator(BusyPoolExecutor executor) {
		super("Busy pool health check failed");
		this.executor = executor;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		BusyState state = this.executor.getState();
		Instant busySince = this.executor.getBusySince();
		builder.status((state == BusyState.FREE) ? Status.UP : Status.OUT_OF_SERVICE)
			.withDetail(STATE, state.label())
			.withDetail(ACTIVE_THREADS, this.executor.getActiveCount())
			.withDetail(IDLE_THREADS, this.executor.getIdleCount())
			.withDetail(QUEUED, this.executor.getQueueSize())
			.withDetail(MAX_THREADS, this.executor.getMaximumPoolSize());
		if (busySince != null) {
			builder.withDetail(BUSY_SINCE, busySince.toString());
		}
	}

}

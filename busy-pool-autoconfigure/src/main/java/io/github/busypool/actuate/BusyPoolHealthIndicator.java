package io.github.busypool.actuate;

import java.time.Instant;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.check.CheckCounters;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} for a
 * {@link BusyPool}: {@code UP} when free, {@code OUT_OF_SERVICE} when busy or draining.
 * Its details come from one {@link PoolSnapshot}, so they agree with each other.
 */
public class BusyPoolHealthIndicator extends AbstractHealthIndicator {

	static final String STATE = "state";

	static final String ACTIVE_THREADS = "activeThreads";

	static final String IDLE_THREADS = "idleThreads";

	static final String QUEUED = "queued";

	static final String MAX_THREADS = "maxThreads";

	static final String BUSY_SINCE = "busySince";

	private final BusyPool pool;

	private final CheckCounters asked;

	public BusyPoolHealthIndicator(BusyPool pool) {
		this(pool, null);
	}

	/**
	 * Creates an indicator that notes each probe as a look at the state (see
	 * {@link CheckCounters#asked()}): a readiness probe watches the drain too.
	 * @param pool the pool
	 * @param asked where probes are noted, or {@code null}
	 */
	public BusyPoolHealthIndicator(BusyPool pool, CheckCounters asked) {
		super("Busy pool health check failed");
		this.pool = pool;
		this.asked = asked;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (this.asked != null) {
			this.asked.asked();
		}
		PoolSnapshot snapshot = this.pool.snapshot();
		BusyState state = snapshot.state();
		Instant busySince = snapshot.busySince();
		builder.status((state == BusyState.FREE) ? Status.UP : Status.OUT_OF_SERVICE)
			.withDetail(STATE, state.label())
			.withDetail(ACTIVE_THREADS, snapshot.activeThreads())
			.withDetail(IDLE_THREADS, snapshot.idleThreads())
			.withDetail(QUEUED, snapshot.queued())
			.withDetail(MAX_THREADS, snapshot.maxThreads());
		if (busySince != null) {
			builder.withDetail(BUSY_SINCE, busySince.toString());
		}
	}

}

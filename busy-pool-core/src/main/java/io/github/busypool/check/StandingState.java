package io.github.busypool.check;

import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;

/**
 * The state a load balancer is told: {@link BusyState#BUSY busy} only once the pool has
 * been busy for {@link #STAND}, otherwise the pool's own state.
 * <p>
 * A queue that forms and drains within milliseconds is no reason to send traffic
 * elsewhere: a burst of slow clients' socket reads, each a pool task that reads a few bytes
 * of a request still arriving, makes one, and with 1,000 connections dribbling a byte a
 * second the pool was busy 160 times in 20 s, for a millisecond or so each. A queue that
 * stands is the signal: CoDel calls a queue standing once it has lasted its interval,
 * 100 ms. The check and the agent answer from this; health and metrics show the pool's own
 * state.
 */
public final class StandingState implements Supplier<BusyState> {

	/** How long the pool must have been busy before a load balancer is told. */
	public static final Duration STAND = Duration.ofMillis(100);

	private final BusyPool pool;

	private final LongSupplier clockMillis;

	/**
	 * @param pool the pool
	 */
	public StandingState(BusyPool pool) {
		this(pool, System::currentTimeMillis);
	}

	StandingState(BusyPool pool, LongSupplier clockMillis) {
		this.pool = pool;
		this.clockMillis = clockMillis;
	}

	@Override
	public BusyState get() {
		BusyState state = this.pool.getState();
		if (state != BusyState.BUSY) {
			return state;
		}
		// Rare (the pool is busy): a snapshot for when it became so.
		Instant since = this.pool.snapshot().busySince();
		if (since == null) {
			// No longer busy by the time of the snapshot.
			return this.pool.getState();
		}
		return (this.clockMillis.getAsLong() - since.toEpochMilli() >= STAND.toMillis()) ? BusyState.BUSY
				: BusyState.FREE;
	}

}

package io.github.busypool.check;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.FixedPool;

import static org.assertj.core.api.Assertions.assertThat;

class StandingStateTests {

	private static final long NOW = 1_000_000L;

	@Test
	void aPoolBusyForLessThanTheStandIsReportedFree() {
		assertThat(standing(BusyState.BUSY, NOW - 10).get()).isEqualTo(BusyState.FREE);
	}

	@Test
	void aPoolBusyForTheStandIsReportedBusy() {
		assertThat(standing(BusyState.BUSY, NOW - StandingState.STAND.toMillis()).get()).isEqualTo(BusyState.BUSY);
	}

	@Test
	void freeAndDrainingAreReportedAsTheyAre() {
		assertThat(standing(BusyState.FREE, 0).get()).isEqualTo(BusyState.FREE);
		assertThat(standing(BusyState.DRAINING, 0).get()).isEqualTo(BusyState.DRAINING);
	}

	private static StandingState standing(BusyState state, long busySinceMillis) {
		Instant since = (state == BusyState.BUSY) ? Instant.ofEpochMilli(busySinceMillis) : null;
		return new StandingState(new FixedPool(state, 4, 5, since), () -> NOW);
	}

}

package io.github.busypool.check;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.QueueWaitRecorder;

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
		return new StandingState(new FixedPool(state, busySinceMillis), () -> NOW);
	}

	private record FixedPool(BusyState state, long busySinceMillis) implements BusyPool {

		@Override
		public BusyState getState() {
			return this.state;
		}

		@Override
		public PoolSnapshot snapshot() {
			Instant since = (this.state == BusyState.BUSY) ? Instant.ofEpochMilli(this.busySinceMillis) : null;
			return new PoolSnapshot(this.state, 4, 0, 1, 4, since);
		}

		@Override
		public long getTransitionCount(BusyState state) {
			return 0;
		}

		@Override
		public Duration getBusyTime() {
			return Duration.ZERO;
		}

		@Override
		public void setListeners(List<? extends BusyStateListener> listeners) {
		}

		@Override
		public void setQueueWaitRecorder(QueueWaitRecorder recorder) {
		}

	}

}

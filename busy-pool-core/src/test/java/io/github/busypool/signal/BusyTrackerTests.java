package io.github.busypool.signal;

import io.github.busypool.BusyState;
import io.github.busypool.BusyTransition;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.busypool.signal.BusyTracker.Phase;

import static org.assertj.core.api.Assertions.assertThat;

class BusyTrackerTests {

	private final AtomicInteger wakeUps = new AtomicInteger();

	private final Phase first = Phase.initial();

	@Test
	void busyWhenMoreQueuedThanIdle() {
		BusyTracker tracker = new BusyTracker(0, this.first, this.wakeUps::incrementAndGet);
		assertThat(tracker.update(4, 4)).isFalse();
		assertThat(tracker.current().state).isEqualTo(BusyState.FREE);
		assertThat(tracker.update(5, 4)).isTrue();
		assertThat(tracker.current().state).isEqualTo(BusyState.BUSY);
		assertThat(tracker.update(6, 4)).isFalse();
		assertThat(tracker.update(4, 4)).isTrue();
		assertThat(tracker.current().state).isEqualTo(BusyState.FREE);
		assertThat(this.wakeUps).hasValue(2);
	}

	@Test
	void toleranceAllowsThatManyMoreQueuedThanIdle() {
		BusyTracker tracker = new BusyTracker(3, this.first, this.wakeUps::incrementAndGet);
		assertThat(tracker.update(7, 4)).isFalse();
		assertThat(tracker.current().state).isEqualTo(BusyState.FREE);
		assertThat(tracker.update(8, 4)).isTrue();
		assertThat(tracker.current().state).isEqualTo(BusyState.BUSY);
	}

	@Test
	void phasesFormAnOrderedLogWithRunningTotals() {
		BusyTracker tracker = new BusyTracker(0, this.first, this.wakeUps::incrementAndGet);
		tracker.update(3, 1);
		tracker.update(1, 1);
		tracker.update(2, 1);
		Phase third = tracker.current();
		assertThat(third.sequence).isEqualTo(3);
		assertThat(third.toBusy).isEqualTo(2);
		assertThat(third.toFree).isEqualTo(1);
		assertThat(this.first.successor.successor.successor).isSameAs(third);
		assertThat(third.busyNanos).isGreaterThan(0);
		BusyTransition transition = third.transitionFrom(this.first.successor.successor, 1);
		assertThat(transition.from()).isEqualTo(BusyState.FREE);
		assertThat(transition.to()).isEqualTo(BusyState.BUSY);
		assertThat(transition.activeThreads()).isEqualTo(1);
		assertThat(transition.idleThreads()).isZero();
		assertThat(transition.queued()).isEqualTo(1);
	}

	@Test
	void drainingIsFinal() {
		BusyTracker tracker = new BusyTracker(0, this.first, this.wakeUps::incrementAndGet);
		tracker.update(5, 1);
		tracker.drain(5, 1);
		assertThat(tracker.current().state).isEqualTo(BusyState.DRAINING);
		assertThat(tracker.update(0, 1)).isFalse();
		assertThat(tracker.update(9, 1)).isFalse();
		tracker.drain(0, 1);
		assertThat(tracker.current().state).isEqualTo(BusyState.DRAINING);
		assertThat(tracker.current().sequence).isEqualTo(2);
	}

}

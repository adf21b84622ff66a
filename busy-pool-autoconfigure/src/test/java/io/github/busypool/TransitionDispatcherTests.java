package io.github.busypool;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyTracker.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TransitionDispatcherTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final Phase first = Phase.initial();

	private final TransitionDispatcher dispatcher = new TransitionDispatcher(this.first, 4, "test-events");

	private final BusyTracker tracker = new BusyTracker(0, this.first, this.dispatcher::wake);

	private final RecordingListener listener = new RecordingListener();

	@AfterEach
	void stop() {
		this.dispatcher.stop(WAIT);
	}

	@Test
	void sleepingDispatcherIsWokenByATransition() {
		this.dispatcher.setListeners(List.of(this.listener));
		this.dispatcher.start();
		await().atMost(WAIT).until(this.dispatcher::isSleeping);
		this.tracker.update(3, 1);
		await().atMost(WAIT).until(() -> this.listener.transitions.size() == 1);
		await().atMost(WAIT).until(this.dispatcher::isSleeping);
		this.tracker.update(1, 1);
		await().atMost(WAIT).until(() -> this.listener.transitions.size() == 2);
		assertThat(this.listener.firstViolation).hasValue(null);
	}

	@Test
	void stopDeliversWhatIsInTheLogThenEnds() {
		this.dispatcher.setListeners(List.of(this.listener));
		for (int i = 0; i < 50; i++) {
			this.tracker.update(3, 1);
			this.tracker.update(1, 1);
		}
		this.tracker.drain(0, 1);
		this.dispatcher.start();
		assertThat(this.dispatcher.stop(WAIT)).isTrue();
		assertThat(this.dispatcher.isAlive()).isFalse();
		assertThat(this.listener.transitions).hasSize(101);
		assertThat(this.listener.lastState()).isEqualTo(BusyState.DRAINING);
		assertThat(this.listener.firstViolation).hasValue(null);
	}

}

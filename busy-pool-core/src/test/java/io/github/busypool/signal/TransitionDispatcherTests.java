package io.github.busypool.signal;

import io.github.busypool.BusyState;
import io.github.busypool.BusyTransition;
import io.github.busypool.RecordingListener;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.signal.BusyTracker.Phase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TransitionDispatcherTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final Phase first = Phase.initial();

	private final TransitionDispatcher dispatcher = new TransitionDispatcher(this.first, () -> 4, "test-events");

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

	/**
	 * A listener that blocks while the pool flaps thousands of times: the log keeps at most
	 * {@link Phase#MAX_LAG} phases, and afterwards the listener is told of one transition to
	 * the state it missed; what it hears still alternates, and the rest is counted.
	 */
	@Test
	void aBlockedListenerHoldsABoundedLogAndCatchesUpInOneTransition() throws Exception {
		BusyTracker bounded = new BusyTracker(0, this.first, this.dispatcher::wake, this.dispatcher::delivered);
		this.dispatcher.setCurrent(bounded::current);
		java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
		java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
		List<BusyTransition> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.dispatcher.setListeners(List.of((transition) -> {
			heard.add(transition);
			entered.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}));
		this.dispatcher.start();
		bounded.update(3, 1);
		assertThat(entered.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		int pairs = 3 * (int) Phase.MAX_LAG;
		for (int i = 0; i < pairs; i++) {
			bounded.update(1, 1);
			bounded.update(3, 1);
		}
		// The log from the phase being delivered: at most MAX_LAG linked, then the gap.
		int linked = 0;
		Phase phase = this.first;
		while (phase.successor != null && phase.successor != Phase.GAP) {
			phase = phase.successor;
			linked++;
		}
		assertThat(phase.successor).isSameAs(Phase.GAP);
		assertThat(linked).isLessThanOrEqualTo((int) Phase.MAX_LAG + 1);
		release.countDown();
		long total = bounded.current().sequence;
		assertThat(total).isEqualTo(1 + 2L * pairs);
		await().atMost(WAIT).until(() -> heard.size() + this.dispatcher.skipped() == total);
		assertThat(heard.size()).isLessThanOrEqualTo((int) Phase.MAX_LAG + 2);
		BusyState previous = BusyState.FREE;
		long sequence = 0;
		for (BusyTransition transition : heard) {
			assertThat(transition.from()).as("alternates").isEqualTo(previous);
			assertThat(transition.to()).isNotEqualTo(transition.from());
			assertThat(transition.sequence()).isGreaterThan(sequence);
			previous = transition.to();
			sequence = transition.sequence();
		}
		assertThat(previous).as("ends in the true state").isEqualTo(BusyState.BUSY);
	}

}

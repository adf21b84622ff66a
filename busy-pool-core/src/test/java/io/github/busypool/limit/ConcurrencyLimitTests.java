package io.github.busypool.limit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.RecordingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

class ConcurrencyLimitTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<Thread> threads = new ArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	private ConcurrencyLimit limit;

	@AfterEach
	void stop() throws InterruptedException {
		this.release.countDown();
		for (Thread thread : this.threads) {
			thread.join(WAIT.toMillis());
		}
		if (this.limit != null) {
			this.limit.busyPool().shutdownGracefully(WAIT);
		}
	}

	@Test
	void runsAtMostLimitTasksAndLetsTheOthersInInArrivalOrder() {
		// One permit, so that the order tasks record their start in is the order they got it.
		this.limit = new ConcurrencyLimit(1, 0);
		List<Integer> started = new CopyOnWriteArrayList<>();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostRunning = new AtomicInteger();
		for (int i = 0; i < 6; i++) {
			int task = i;
			start(() -> {
				started.add(task);
				mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
				hold(this.release);
				running.decrementAndGet();
			});
			// Wait until this one has entered, so that arrival order is known.
			int inFlight = i + 1;
			await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().inFlight() == inFlight);
		}
		await().atMost(WAIT).until(() -> started.size() == 1);
		assertThat(started).containsExactly(0);
		assertThat(this.limit.busyPool().snapshot().queued()).isEqualTo(5);
		this.release.countDown();
		await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().inFlight() == 0);
		assertThat(started).containsExactly(0, 1, 2, 3, 4, 5);
		assertThat(mostRunning).hasValue(1);
	}

	@Test
	void isBusyWhenMoreTasksWaitThanPermitsAreFree() {
		this.limit = new ConcurrencyLimit(2, 0);
		RecordingListener listener = new RecordingListener();
		this.limit.busyPool().setListeners(List.of(listener));
		hold(2);
		assertThat(this.limit.busyPool().getState()).isEqualTo(BusyState.FREE);
		assertThat(this.limit.busyPool().snapshot()).isEqualTo(new PoolSnapshot(BusyState.FREE, 2, 0, 0, 2, null));
		hold(1);
		await().atMost(WAIT).until(() -> this.limit.busyPool().getState() == BusyState.BUSY);
		PoolSnapshot busy = this.limit.busyPool().snapshot();
		assertThat(busy.activeThreads()).isEqualTo(2);
		assertThat(busy.idleThreads()).isZero();
		assertThat(busy.queued()).isEqualTo(1);
		assertThat(busy.maxThreads()).isEqualTo(2);
		assertThat(busy.busySince()).isNotNull();
		this.release.countDown();
		await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().inFlight() == 0);
		assertThat(this.limit.busyPool().getState()).isEqualTo(BusyState.FREE);
		await().atMost(WAIT).until(() -> listener.transitions.size() == 2);
		assertThat(listener.firstViolation).hasValue(null);
		assertThat(this.limit.busyPool().getTransitionCount(BusyState.BUSY)).isEqualTo(1);
		assertThat(this.limit.busyPool().getTransitionCount(BusyState.FREE)).isEqualTo(1);
		assertThat(this.limit.busyPool().getBusyTime()).isPositive();
	}

	@Test
	void toleratesAsManyWaitingTasksAsTheTolerance() {
		this.limit = new ConcurrencyLimit(1, 2);
		hold(3);
		assertThat(this.limit.busyPool().snapshot().queued()).isEqualTo(2);
		assertThat(this.limit.busyPool().getState()).isEqualTo(BusyState.FREE);
		hold(1);
		await().atMost(WAIT).until(() -> this.limit.busyPool().getState() == BusyState.BUSY);
	}

	@Test
	void timesOnlyTheTasksThatWaited() {
		this.limit = new ConcurrencyLimit(1, 0);
		List<Long> waits = new CopyOnWriteArrayList<>();
		this.limit.busyPool().setQueueWaitRecorder(waits::add);
		this.limit.enter();
		this.limit.exit();
		assertThat(waits).isEmpty();
		hold(2);
		this.release.countDown();
		await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().inFlight() == 0);
		assertThat(waits).hasSize(1);
		assertThat(waits.get(0)).isPositive();
	}

	@Test
	void drainsForGoodAndLetsEveryWaitingTaskInAtTheEnd() {
		this.limit = new ConcurrencyLimit(2, 0);
		hold(5);
		await().atMost(WAIT).until(() -> this.limit.busyPool().getState() == BusyState.BUSY);
		this.limit.busyPool().drain();
		assertThat(this.limit.busyPool().getState()).isEqualTo(BusyState.DRAINING);
		assertThat(this.limit.busyPool().getTransitionCount(BusyState.DRAINING)).isEqualTo(1);
		assertThat(this.limit.busyPool().runQueuedNow()).isEqualTo(3);
		await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().activeThreads() == 5);
		this.release.countDown();
		await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().inFlight() == 0);
		assertThat(this.limit.busyPool().getState()).isEqualTo(BusyState.DRAINING);
	}

	/**
	 * Virtual threads: a request that arrives after the queue was finished at shutdown,
	 * while every permit is held by a long request, must not park until one ends (it would
	 * never be answered before the connector closes): it enters at once.
	 */
	@Test
	void aTaskThatArrivesAfterRunQueuedNowEntersAtOnce() throws Exception {
		this.limit = new ConcurrencyLimit(1, 0);
		hold(1);
		assertThat(this.limit.busyPool().runQueuedNow()).as("nothing waited").isZero();
		CountDownLatch entered = new CountDownLatch(1);
		start(entered::countDown);
		assertThat(entered.await(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
			.as("entered while the long request still holds the only permit")
			.isTrue();
		this.release.countDown();
		await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().inFlight() == 0);
	}

	@Test
	void refusesALimitBelowOneAndANegativeTolerance() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ConcurrencyLimit(0, 0))
			.withMessageContaining("limit must be >= 1");
		assertThatIllegalArgumentException().isThrownBy(() -> new ConcurrencyLimit(1, -1))
			.withMessageContaining("queueTolerance must be >= 0");
	}

	/** Starts {@code count} tasks that hold until released, and waits until they entered. */
	private void hold(int count) {
		int target = this.limit.busyPool().snapshot().inFlight() + count;
		for (int i = 0; i < count; i++) {
			start(() -> hold(this.release));
		}
		await().atMost(WAIT).until(() -> this.limit.busyPool().snapshot().inFlight() == target);
	}

	private void start(Runnable task) {
		Thread thread = new Thread(() -> {
			this.limit.enter();
			try {
				task.run();
			}
			finally {
				this.limit.exit();
			}
		}, "limited-" + this.threads.size());
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
	}

	private static void hold(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

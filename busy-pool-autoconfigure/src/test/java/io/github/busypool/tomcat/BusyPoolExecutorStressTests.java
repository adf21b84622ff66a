package io.github.busypool.tomcat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.busypool.BusyState;
import io.github.busypool.RecordingListener;

/**
 * Eight submitters, a million tasks of mixed lengths: every task runs,
 * transitions alternate without gaps, and the quiet pool reports free.
 */
class BusyPoolExecutorStressTests {

	private static final int SUBMITTERS = 8;

	private static final int TASKS_PER_SUBMITTER = 125_000;

	private static final int TOTAL = SUBMITTERS * TASKS_PER_SUBMITTER;

	@ParameterizedTest(name = "queue tolerance {0}")
	@ValueSource(ints = { 0, 3 })
	void everyTaskRunsAndTransitionsAlternate(int tolerance) throws Exception {
		BusyPoolExecutor pool = new BusyPoolExecutor(2, 8, Integer.MAX_VALUE, tolerance);
		pool.start("stress-exec-");
		RecordingListener listener = new RecordingListener();
		pool.busyPool().setListeners(List.of(listener));
		LongAdder ran = new LongAdder();
		CountDownLatch allRan = new CountDownLatch(TOTAL);
		AtomicReference<Throwable> firstFailure = new AtomicReference<>();
		ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
		try {
			for (int s = 0; s < SUBMITTERS; s++) {
				submitters.execute(() -> submitAll(pool, ran, allRan, firstFailure));
			}
			submitters.shutdown();
			assertThat(submitters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
			assertThat(firstFailure).hasValue(null);
			assertThat(allRan.await(60, TimeUnit.SECONDS)).isTrue();
			assertThat(ran.sum()).isEqualTo(TOTAL);
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.getSubmittedCount() == 0);
			assertThat(pool.busyPool().getState()).isEqualTo(BusyState.FREE);
			long toBusy = pool.busyPool().getTransitionCount(BusyState.BUSY);
			long toFree = pool.busyPool().getTransitionCount(BusyState.FREE);
			assertThat(toBusy).isPositive().isEqualTo(toFree);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.transitions.size() == toBusy + toFree);
			assertThat(listener.firstViolation).hasValue(null);
			assertThat(listener.lastState()).isEqualTo(BusyState.FREE);
			System.out.printf("tolerance %d: %d tasks, %d transitions to busy, %d to free%n", tolerance, TOTAL,
					toBusy, toFree);
		}
		finally {
			submitters.shutdownNow();
			assertThat(pool.busyPool().shutdownGracefully(Duration.ofSeconds(10))).isTrue();
		}
	}

	@Test
	void quietPoolThatIsTrulyBusyReportsBusy() throws Exception {
		BusyPoolExecutor pool = new BusyPoolExecutor(2, 8, Integer.MAX_VALUE, 0);
		pool.start("stress-exec-");
		RecordingListener listener = new RecordingListener();
		pool.busyPool().setListeners(List.of(listener));
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch allRan = new CountDownLatch(TOTAL + 13);
		LongAdder ran = new LongAdder();
		AtomicReference<Throwable> firstFailure = new AtomicReference<>();
		ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS + 1);
		try {
			for (int s = 0; s < SUBMITTERS; s++) {
				submitters.execute(() -> submitAll(pool, ran, allRan, firstFailure));
			}
			// Meanwhile, 13 tasks that hold their thread: 8 take every thread, 5 queue.
			submitters.execute(() -> {
				for (int i = 0; i < 13; i++) {
					pool.execute(() -> {
						try {
							release.await(60, TimeUnit.SECONDS);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						allRan.countDown();
					});
					LockSupport.parkNanos(1_000_000);
				}
			});
			submitters.shutdown();
			assertThat(submitters.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
			assertThat(firstFailure).hasValue(null);
			// Nothing is submitted any more; every thread is held and tasks wait: busy.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> pool.getActiveCount() == 8 && pool.busyPool().getState() == BusyState.BUSY);
			assertThat(pool.busyPool().snapshot().queued()).isGreaterThanOrEqualTo(5);
			release.countDown();
			assertThat(allRan.await(60, TimeUnit.SECONDS)).isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.busyPool().getState() == BusyState.FREE);
			long made = pool.busyPool().getTransitionCount(BusyState.BUSY) + pool.busyPool().getTransitionCount(BusyState.FREE);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.transitions.size() == made);
			assertThat(listener.firstViolation).hasValue(null);
		}
		finally {
			release.countDown();
			submitters.shutdownNow();
			assertThat(pool.busyPool().shutdownGracefully(Duration.ofSeconds(10))).isTrue();
		}
	}

	private static void submitAll(BusyPoolExecutor pool, LongAdder ran, CountDownLatch allRan,
			AtomicReference<Throwable> firstFailure) {
		try {
			for (int i = 0; i < TASKS_PER_SUBMITTER; i++) {
				pool.execute(task(ran, allRan));
				if (i % 100 == 0) {
					// Pause now and then, so the pool drains and the state flips often.
					LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
				}
			}
		}
		catch (Throwable ex) {
			firstFailure.compareAndSet(null, ex);
		}
	}

	/** Mostly empty tasks, some that spin a little, a few that park up to a millisecond. */
	private static Runnable task(LongAdder ran, CountDownLatch allRan) {
		int kind = ThreadLocalRandom.current().nextInt(1000);
		return () -> {
			if (kind < 10) {
				LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(100_000, 1_000_000));
			}
			else if (kind < 100) {
				long until = System.nanoTime() + 5_000;
				while (System.nanoTime() < until) {
					Thread.onSpinWait();
				}
			}
			ran.increment();
			allRan.countDown();
		};
	}

}

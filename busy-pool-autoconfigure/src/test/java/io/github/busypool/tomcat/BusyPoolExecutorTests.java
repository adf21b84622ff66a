package io.github.busypool.tomcat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.BusyTransition;
import io.github.busypool.LiveThreads;
import io.github.busypool.RecordingListener;

class BusyPoolExecutorTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final List<BusyPoolExecutor> pools = new ArrayList<>();

	private final CountDownLatch release = new CountDownLatch(1);

	@AfterEach
	void shutDown() {
		this.release.countDown();
		this.pools.forEach((pool) -> pool.busyPool().shutdownGracefully(WAIT));
	}

	@Test
	void startsMinSpareThreadsWithTomcatStyleNames() {
		BusyPoolExecutor pool = pool(2, 4, 0);
		assertThat(pool.getPoolSize()).isEqualTo(2);
		assertThat(LiveThreads.named("test-exec-")).hasSize(2);
	}

	@Test
	void busyWhenMoreTasksQueuedThanIdleThreads() throws Exception {
		BusyPoolExecutor pool = pool(2, 2, 0);
		RecordingListener listener = listen(pool);
		CountDownLatch running = new CountDownLatch(2);
		hold(pool, running);
		hold(pool, running);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.FREE);
		hold(pool, null);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.BUSY);
		assertThat(pool.busyPool().snapshot().busySince()).isNotNull();
		this.release.countDown();
		await().atMost(WAIT).until(() -> listener.transitions.size() == 2);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.FREE);
		assertThat(pool.busyPool().snapshot().busySince()).isNull();
		assertThat(listener.transitions).extracting(BusyTransition::to).containsExactly(BusyState.BUSY, BusyState.FREE);
		assertThat(listener.firstViolation).hasValue(null);
		assertThat(listener.transitions.get(0).queued()).isEqualTo(1);
		assertThat(listener.transitions.get(0).idleThreads()).isZero();
		assertThat(listener.transitions.get(0).maxThreads()).isEqualTo(2);
		assertThat(pool.busyPool().getTransitionCount(BusyState.BUSY)).isEqualTo(1);
		assertThat(pool.busyPool().getTransitionCount(BusyState.FREE)).isEqualTo(1);
		assertThat(pool.busyPool().getBusyTime()).isPositive();
	}

	/**
	 * The state is decided at task events; a resize that lets a queued task run on a new
	 * thread is none. The listener thread revalidates about once a second, so the state
	 * does not stay busy until the next request.
	 */
	@Test
	void aResizeWithNoTaskEventIsSeenWithinSeconds() throws Exception {
		BusyPoolExecutor pool = pool(2, 2, 0);
		RecordingListener listener = listen(pool);
		CountDownLatch running = new CountDownLatch(3);
		hold(pool, running);
		hold(pool, running);
		hold(pool, running);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.BUSY);
		pool.setMaximumPoolSize(3);
		pool.setCorePoolSize(3);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).as("the queued task runs on a new thread")
			.isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> pool.busyPool().getState() == BusyState.FREE);
		assertThat(pool.busyPool().snapshot().queued()).isZero();
		assertThat(listener.transitions).hasSizeGreaterThanOrEqualTo(2);
		this.release.countDown();
	}

	@Test
	void toleranceAllowsThatManyMoreQueuedTasks() throws Exception {
		BusyPoolExecutor pool = pool(1, 1, 2);
		CountDownLatch running = new CountDownLatch(1);
		hold(pool, running);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		hold(pool, null);
		hold(pool, null);
		assertThat(pool.busyPool().snapshot().queued()).isEqualTo(2);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.FREE);
		hold(pool, null);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.BUSY);
	}

	@Test
	void growsToMaxThreadsBeforeQueueing() throws Exception {
		BusyPoolExecutor pool = pool(1, 3, 0);
		CountDownLatch running = new CountDownLatch(3);
		for (int i = 0; i < 3; i++) {
			hold(pool, running);
		}
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(pool.getPoolSize()).isEqualTo(3);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.FREE);
		assertThat(pool.getActiveCount()).isEqualTo(3);
		assertThat(pool.busyPool().snapshot().idleThreads()).isZero();
	}

	@Test
	void listenerThatThrowsDoesNotStopOtherListenersOrTasks() throws Exception {
		BusyPoolExecutor pool = pool(1, 1, 0);
		RecordingListener after = new RecordingListener();
		pool.busyPool().setListeners(List.<BusyStateListener>of((t) -> {
			throw new IllegalStateException("listener failure");
		}, after));
		cycleBusyAndFree(pool, 3);
		await().atMost(WAIT).until(() -> after.transitions.size() == 6);
		assertThat(after.firstViolation).hasValue(null);
		AtomicInteger ran = new AtomicInteger();
		CountDownLatch done = new CountDownLatch(1);
		pool.execute(() -> {
			ran.incrementAndGet();
			done.countDown();
		});
		assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void listenerThatBlocksDelaysNoTask() throws Exception {
		BusyPoolExecutor pool = pool(1, 1, 0);
		CountDownLatch listenerBlocked = new CountDownLatch(1);
		CountDownLatch unblockListener = new CountDownLatch(1);
		RecordingListener recorder = new RecordingListener();
		pool.busyPool().setListeners(List.<BusyStateListener>of((t) -> {
			listenerBlocked.countDown();
			try {
				// Blocks for up to a minute, as a listener stuck on a slow call would.
				unblockListener.await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, recorder));
		cycleBusyAndFree(pool, 1);
		assertThat(listenerBlocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// While the listener is stuck, the pool keeps running tasks and changing state.
		cycleBusyAndFree(pool, 5);
		CountDownLatch tasks = new CountDownLatch(100);
		for (int i = 0; i < 100; i++) {
			pool.execute(tasks::countDown);
		}
		assertThat(tasks.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(WAIT).until(() -> pool.busyPool().getState() == BusyState.FREE);
		assertThat(pool.busyPool().getTransitionCount(BusyState.BUSY)).isGreaterThanOrEqualTo(6);
		assertThat(recorder.transitions).isEmpty();
		unblockListener.countDown();
		long made = pool.busyPool().getTransitionCount(BusyState.BUSY) + pool.busyPool().getTransitionCount(BusyState.FREE);
		await().atMost(WAIT).until(() -> recorder.transitions.size() == made);
		assertThat(recorder.firstViolation).hasValue(null);
	}

	@Test
	void listenersRunOnOneThreadOfTheirOwn() {
		BusyPoolExecutor pool = pool(1, 1, 0);
		RecordingListener listener = listen(pool);
		cycleBusyAndFree(pool, 3);
		await().atMost(WAIT).until(() -> listener.transitions.size() == 6);
		assertThat(listener.threads).hasSize(1);
		assertThat(listener.threads.get(0).getName()).isEqualTo("busy-pool-events");
	}

	@Test
	void queueWaitIsTheTimeFromExecuteToStart() throws Exception {
		BusyPoolExecutor pool = pool(1, 1, 0);
		List<Long> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
		pool.busyPool().setQueueWaitRecorder(waits::add);
		CountDownLatch running = new CountDownLatch(1);
		hold(pool, running);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		CountDownLatch second = new CountDownLatch(1);
		pool.execute(second::countDown);
		long submitted = System.nanoTime();
		Thread.sleep(100);
		long heldFor = System.nanoTime() - submitted;
		this.release.countDown();
		assertThat(second.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// The first task found an idle thread and was not timed; the second waited.
		await().atMost(WAIT).until(() -> waits.size() == 1);
		assertThat(waits.get(0)).isGreaterThanOrEqualTo(heldFor);
	}

	@Test
	void tasksThatFindAnIdleThreadAreNotTimed() throws Exception {
		BusyPoolExecutor pool = pool(2, 2, 0);
		List<Long> waits = new java.util.concurrent.CopyOnWriteArrayList<>();
		pool.busyPool().setQueueWaitRecorder(waits::add);
		for (int i = 0; i < 10; i++) {
			CountDownLatch done = new CountDownLatch(1);
			pool.execute(done::countDown);
			assertThat(done.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			await().atMost(WAIT).until(() -> pool.getSubmittedCount() == 0);
		}
		assertThat(waits).isEmpty();
	}

	@Test
	void noWrappingWithoutARecorder() throws Exception {
		BusyPoolExecutor pool = pool(1, 1, 0);
		CountDownLatch running = new CountDownLatch(1);
		hold(pool, running);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		Runnable task = () -> {
		};
		pool.execute(task);
		assertThat(pool.getQueue()).containsExactly(task);
	}

	@Test
	void rejectsBeyondMaxQueueCapacityAndStaysTrue() throws Exception {
		BusyPoolExecutor pool = new BusyPoolExecutor(1, 1, 1, 0);
		this.pools.add(pool);
		pool.start("test-exec-");
		CountDownLatch running = new CountDownLatch(1);
		hold(pool, running);
		assertThat(running.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		hold(pool, null);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.BUSY);
		org.assertj.core.api.Assertions
			.assertThatExceptionOfType(java.util.concurrent.RejectedExecutionException.class)
			.isThrownBy(() -> hold(pool, null));
		assertThat(pool.getSubmittedCount()).isEqualTo(2);
		this.release.countDown();
		await().atMost(WAIT).until(() -> pool.busyPool().getState() == BusyState.FREE);
	}

	@Test
	void shutdownDrainsAndLeavesNoThread() {
		BusyPoolExecutor pool = new BusyPoolExecutor(2, 4, Integer.MAX_VALUE, 0);
		pool.start("leak-check-exec-");
		RecordingListener listener = listen(pool);
		AtomicLong ran = new AtomicLong();
		for (int i = 0; i < 1000; i++) {
			pool.execute(ran::incrementAndGet);
		}
		assertThat(pool.busyPool().shutdownGracefully(WAIT)).isTrue();
		assertThat(ran).hasValue(1000);
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.DRAINING);
		assertThat(listener.lastState()).isEqualTo(BusyState.DRAINING);
		assertThat(listener.firstViolation).hasValue(null);
		assertThat(LiveThreads.named("leak-check-exec-")).isEmpty();
		assertThat(pool.isTerminated()).isTrue();
	}

	@Test
	void drainIsFinalButKeepsRunningTasks() throws Exception {
		BusyPoolExecutor pool = pool(1, 1, 0);
		pool.busyPool().drain();
		CountDownLatch ran = new CountDownLatch(1);
		pool.execute(ran::countDown);
		assertThat(ran.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(pool.busyPool().getState()).isEqualTo(BusyState.DRAINING);
	}

	@Test
	void invalidSizesAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BusyPoolExecutor(5, 4, 10, 0))
			.withMessageContaining("minSpareThreads");
		assertThatIllegalArgumentException().isThrownBy(() -> new BusyPoolExecutor(1, 4, 10, -1))
			.withMessageContaining("queueTolerance");
	}

	private BusyPoolExecutor pool(int minSpare, int max, int tolerance) {
		BusyPoolExecutor pool = new BusyPoolExecutor(minSpare, max, Integer.MAX_VALUE, tolerance);
		this.pools.add(pool);
		pool.start("test-exec-");
		return pool;
	}

	private static RecordingListener listen(BusyPoolExecutor pool) {
		RecordingListener listener = new RecordingListener();
		pool.busyPool().setListeners(List.of(listener));
		return listener;
	}

	private void hold(BusyPoolExecutor pool, CountDownLatch running) {
		pool.execute(() -> {
			if (running != null) {
				running.countDown();
			}
			try {
				this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
	}

	/** Makes a single-thread pool busy and free again, {@code times} times. */
	private static void cycleBusyAndFree(BusyPoolExecutor pool, int times) {
		for (int i = 0; i < times; i++) {
			CountDownLatch running = new CountDownLatch(1);
			CountDownLatch go = new CountDownLatch(1);
			pool.execute(() -> {
				running.countDown();
				awaitQuietly(go);
			});
			awaitQuietly(running);
			CountDownLatch queuedDone = new CountDownLatch(1);
			pool.execute(queuedDone::countDown);
			assertThat(pool.busyPool().getState()).isEqualTo(BusyState.BUSY);
			go.countDown();
			awaitQuietly(queuedDone);
			await().atMost(WAIT).until(() -> pool.busyPool().getState() == BusyState.FREE);
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			assertThat(latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

package io.github.busypool.shed;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.DrainablePool;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.QueueWaitRecorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class QueueFinisherTests {

	private static final long HOUR = Duration.ofHours(1).toNanos();

	private final Shedder shedder = new Shedder(null);

	@Test
	void finishReturnsAtOnceWhenOnlyRunningRequestsAreLeft() {
		// One long request running, nothing queued: Boot's graceful shutdown waits for it,
		// so waiting here as well would spend the shutdown timeout twice.
		CountingPool pool = new CountingPool(4, 1);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder);
		long now = System.nanoTime();

		int shed = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> finisher.finish(() -> pool.stopped = true, now + HOUR, now + HOUR));

		assertThat(shed).isZero();
		assertThat(pool.stopped).isTrue();
		assertThat(pool.ranQueuedNow).isZero();
		assertThat(this.shedder.count(ShedReason.SHUTDOWN)).isZero();
	}

	@Test
	void finishWaitsForTheQueueToBeTakenUpThenReturnsWhileRequestsStillRun() throws Exception {
		CountingPool pool = new CountingPool(4, 7);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder);
		long now = System.nanoTime();
		Thread taker = new Thread(() -> {
			// Three requests complete, one by one; each frees a thread for a queued one.
			for (int i = 0; i < 3; i++) {
				pool.submitted.decrementAndGet();
			}
		});

		taker.start();
		int shed = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> finisher.finish(() -> pool.stopped = true, now + HOUR, now + HOUR));
		taker.join();

		assertThat(shed).isZero();
		assertThat(pool.snapshot().queued()).isZero();
		assertThat(pool.snapshot().activeThreads()).isEqualTo(4);
	}

	@Test
	void finishLetsWhatIsStillQueuedAtTheDeadlineRunAtOnce() {
		CountingPool pool = new CountingPool(4, 10);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder);
		long now = System.nanoTime();

		int shed = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> finisher.finish(() -> pool.stopped = true, now, now + Duration.ofMillis(200).toNanos()));

		assertThat(shed).isEqualTo(6);
		assertThat(pool.ranQueuedNow).isEqualTo(1);
	}

	/** A pool of fixed threads, whose submitted count a test moves. */
	private static final class CountingPool implements DrainablePool {

		final AtomicInteger submitted;

		final int threads;

		volatile boolean stopped;

		volatile int ranQueuedNow;

		CountingPool(int threads, int submitted) {
			this.threads = threads;
			this.submitted = new AtomicInteger(submitted);
		}

		@Override
		public PoolSnapshot snapshot() {
			return PoolSnapshot.of(BusyState.DRAINING, this.submitted.get(), this.threads, this.threads, null);
		}

		@Override
		public BusyState getState() {
			return BusyState.DRAINING;
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

		@Override
		public void drain() {
		}

		@Override
		public int runQueuedNow() {
			this.ranQueuedNow++;
			return 0;
		}

		@Override
		public boolean shutdownGracefully(Duration timeout) {
			return true;
		}

	}

}

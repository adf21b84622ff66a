package io.github.busypool.shed;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.FixedPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class QueueFinisherTests {

	private static final long HOUR = Duration.ofHours(1).toNanos();

	private final Shedder shedder = new Shedder(null);

	/** Requests that reached the application; the tests move it. */
	private final java.util.concurrent.atomic.AtomicLong begun = new java.util.concurrent.atomic.AtomicLong();

	private final AtomicInteger stopped = new AtomicInteger();

	/** Four threads, all running, and {@code submitted - 4} requests queued. */
	private static FixedPool pool(int submitted) {
		return new FixedPool(BusyState.DRAINING, 4, submitted, null);
	}

	@Test
	void finishReturnsAtOnceWhenOnlyRunningRequestsAreLeft() {
		// One long request running, nothing queued: Boot's graceful shutdown waits for it,
		// so waiting here as well would spend the shutdown timeout twice.
		FixedPool pool = pool(1);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder, this.begun::get);
		long now = System.nanoTime();

		int shed = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> finisher.finish(this.stopped::incrementAndGet, now + HOUR, now + HOUR));

		assertThat(shed).isZero();
		assertThat(this.stopped).hasValue(1);
		// Nothing was queued, but from now on whatever arrives runs at once.
		assertThat(pool.ranQueuedNow()).isEqualTo(1);
		assertThat(this.shedder.count(ShedReason.SHUTDOWN)).isZero();
	}

	@Test
	void finishWaitsForTheQueueToBeTakenUpThenReturnsWhileRequestsStillRun() throws Exception {
		FixedPool pool = pool(7);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder, this.begun::get);
		long now = System.nanoTime();
		Thread taker = new Thread(() -> {
			// Three requests complete, one by one; each frees a thread for a queued one.
			for (int i = 0; i < 3; i++) {
				pool.submitted.decrementAndGet();
			}
		});

		taker.start();
		int shed = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> finisher.finish(this.stopped::incrementAndGet, now + HOUR, now + HOUR));
		taker.join();

		assertThat(shed).isZero();
		assertThat(pool.snapshot().queued()).isZero();
		assertThat(pool.snapshot().activeThreads()).isEqualTo(4);
	}

	@Test
	void finishLetsWhatIsStillQueuedAtTheDeadlineRunAtOnce() {
		FixedPool pool = pool(10);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder, this.begun::get);
		long now = System.nanoTime();

		int shed = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> finisher.finish(this.stopped::incrementAndGet, now, now + Duration.ofMillis(200).toNanos()));

		assertThat(shed).isEqualTo(6);
		assertThat(pool.ranQueuedNow()).isEqualTo(1);
	}

	@Test
	void aQueueThatDoesNotMoveStartsAllAtOnceAfterTheQueueWaitNotAtTheDeadline() {
		// 10 in flight on 4 threads held for good: 6 queued that will never start at the
		// pool's pace. Waiting for them until the phase's deadline made the shutdown take
		// the phase twice (once here, once in Boot's graceful shutdown).
		FixedPool pool = pool(10);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder, this.begun::get);
		long now = System.nanoTime();

		int shed = assertTimeoutPreemptively(Duration.ofSeconds(10),
				() -> finisher.finish(this.stopped::incrementAndGet, now + HOUR, now + HOUR));

		assertThat(Duration.ofNanos(System.nanoTime() - now)).isLessThan(QueueFinisher.QUEUE_WAIT.multipliedBy(5));
		assertThat(shed).isZero();
		assertThat(pool.ranQueuedNow()).isEqualTo(1);
		assertThat(this.shedder.decide(null)).isNull();
	}

	@Test
	void afterStartingTheQueueItWaitsUntilThoseRequestsHaveBeenRead() {
		// 6 queued behind 4 held threads; they start at once after the queue wait, and are
		// read 300 ms later (Tomcat closes a connection whose request it reads after the
		// connector was paused, so graceful shutdown must not begin before).
		FixedPool pool = pool(10);
		QueueFinisher finisher = new QueueFinisher(pool, this.shedder, this.begun::get);
		java.util.concurrent.ScheduledExecutorService reader = java.util.concurrent.Executors
			.newSingleThreadScheduledExecutor();
		try {
			long now = System.nanoTime();
			reader.schedule(() -> this.begun.addAndGet(6),
					QueueFinisher.QUEUE_WAIT.toMillis() + 300, java.util.concurrent.TimeUnit.MILLISECONDS);
			assertTimeoutPreemptively(Duration.ofSeconds(10),
					() -> finisher.finish(this.stopped::incrementAndGet, now + HOUR, now + HOUR));
			Duration took = Duration.ofNanos(System.nanoTime() - now);
			assertThat(this.begun.get()).isEqualTo(6);
			assertThat(took).isGreaterThanOrEqualTo(QueueFinisher.QUEUE_WAIT.plusMillis(300))
				.isLessThan(QueueFinisher.QUEUE_WAIT.plus(QueueFinisher.BEGIN_WAIT).plusSeconds(2));
		}
		finally {
			reader.shutdownNow();
		}
	}

}

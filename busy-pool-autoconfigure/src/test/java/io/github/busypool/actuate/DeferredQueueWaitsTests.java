package io.github.busypool.actuate;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DeferredQueueWaitsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Timer timer = Timer.builder("busypool.queue.wait").register(this.registry);

	@Test
	void movesEveryWaitIntoTheTimerRoundedUpByLessThanOnePercent() {
		try (DeferredQueueWaits waits = new DeferredQueueWaits(this.timer)) {
			waits.record(TimeUnit.MILLISECONDS.toNanos(50));
			waits.record(TimeUnit.MILLISECONDS.toNanos(50));
			waits.record(TimeUnit.MICROSECONDS.toNanos(3));
			assertThat(this.timer.count()).as("not on the recording thread").isZero();
			waits.flush();
			assertThat(this.timer.count()).isEqualTo(3);
			assertThat(this.timer.max(TimeUnit.NANOSECONDS)).isBetween(50e6, 50.5e6);
			assertThat(this.timer.totalTime(TimeUnit.NANOSECONDS)).isBetween(100e6 + 3e3, 101e6 + 3.03e3);
			waits.flush();
			assertThat(this.timer.count()).as("each wait moved once").isEqualTo(3);
		}
	}

	@Test
	void flushesOnItsOwnThreadAndOnClose() {
		DeferredQueueWaits waits = new DeferredQueueWaits(this.timer);
		waits.record(1_000_000);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.timer.count() == 1);
		waits.record(2_000_000);
		waits.close();
		assertThat(this.timer.count()).isEqualTo(2);
	}

	@Test
	void clampsWaitsOutsideTheRangeInsteadOfFailing() {
		try (DeferredQueueWaits waits = new DeferredQueueWaits(this.timer)) {
			waits.record(-5);
			waits.record(0);
			waits.record(Long.MAX_VALUE);
			waits.flush();
			assertThat(this.timer.count()).isEqualTo(3);
			assertThat(this.timer.max(TimeUnit.HOURS)).isBetween(1.0, 1.01);
		}
	}

}

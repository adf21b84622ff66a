package io.github.busypool.shed;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.speed.ServiceTimes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Shedder}'s decisions for requests that carry a deadline, against a real
 * {@link ServiceSpeed} that has measured requests of about 200 ms.
 */
class DeadlineAdmissionTests {

	private final ServiceSpeed speed = new ServiceSpeed(8);

	private final Shedder shedder = new Shedder(new QueueTimeLimit(Duration.ofMillis(5), Duration.ofMillis(100)),
			this.speed);

	DeadlineAdmissionTests() {
		ServiceTimes times = this.speed.times();
		long now = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			long start = now - 200_000_000L;
			times.end(times.begin(start), start, now);
		}
		this.speed.refresh(now);
	}

	@Test
	void predictsFromWhatWasMeasured() {
		assertThat(this.speed.predictedMillis()).isBetween(190L, 210L);
		assertThat(this.speed.predictedText()).isEqualTo(Long.toString(this.speed.predictedMillis()));
	}

	@Test
	void aDeadlineThatPassedInTheQueueIsMissedAndNotRun() {
		long now = System.currentTimeMillis();
		assertThat(this.shedder.decide("t=" + (now - 1_500), 1_000)).isEqualTo(ShedReason.DEADLINE);
		assertThat(this.shedder.count(DeadlineOutcome.MISSED)).isEqualTo(1);
		assertThat(this.shedder.count(ShedReason.DEADLINE)).isEqualTo(1);
	}

	@Test
	void whatIsLeftShorterThanTheServiceTimeIsRefusedWhileAnotherRequestRuns() {
		long now = System.currentTimeMillis();
		// Nothing else runs: this one is the try, and runs.
		assertThat(this.shedder.decide("t=" + (now - 900), 1_000)).isNull();
		int slot = this.speed.times().begin(System.nanoTime());
		assertThat(this.shedder.decide("t=" + (now - 900), 1_000)).isEqualTo(ShedReason.DEADLINE);
		assertThat(this.shedder.count(DeadlineOutcome.REFUSED)).isEqualTo(1);
		assertThat(this.shedder.decide("t=" + (now - 500), 1_000)).as("500 ms left, 200 ms to serve").isNull();
		assertThat(this.shedder.count(DeadlineOutcome.ADMITTED)).isEqualTo(2);
		this.speed.times().end(slot, 0, 1);
	}

	@Test
	void aPatientClientMayWaitLongerThanTheQueueTimeLimit() {
		long now = System.currentTimeMillis();
		assertThat(this.shedder.decide("t=" + (now - 2_000))).as("no deadline").isEqualTo(ShedReason.QUEUE);
		assertThat(this.shedder.decide("t=" + (now - 2_000), 30_000)).as("30 s deadline").isNull();
	}

	@Test
	void withoutAStampTheDeadlineCountsFromNow() {
		int slot = this.speed.times().begin(System.nanoTime());
		assertThat(this.shedder.decide(null, 1_000)).isNull();
		assertThat(this.shedder.decide(null, 100)).isEqualTo(ShedReason.DEADLINE);
		this.speed.times().end(slot, 0, 1);
	}

	@Test
	void aStampFromTheFutureCountsAsNoWait() {
		assertThat(this.shedder.decide("t=" + (System.currentTimeMillis() + 60_000), 1_000)).isNull();
	}

	@Test
	void shutdownShedsWhateverTheDeadline() {
		this.shedder.shedEverything();
		assertThat(this.shedder.decide(null, 30_000)).isEqualTo(ShedReason.SHUTDOWN);
	}

}

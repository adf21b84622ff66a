package io.github.busypool.shed;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ShedderTests {

	private final Shedder shedder = new Shedder(new QueueTimeLimit(Duration.ofMillis(5), Duration.ofMillis(100)));

	@Test
	void requestsWithoutAStampAreNeverShedForTheirWait() {
		assertThat(this.shedder.decide(null)).isNull();
		assertThat(this.shedder.decide("garbage")).isNull();
		assertThat(this.shedder.count(ShedReason.QUEUE)).isZero();
	}

	@Test
	void aRequestThatWaitedLongIsShedAndCounted() {
		long now = System.currentTimeMillis();
		assertThat(this.shedder.decide("t=" + now)).isNull();
		assertThat(this.shedder.decide("t=" + (now - 900))).isEqualTo(ShedReason.QUEUE);
		assertThat(this.shedder.count(ShedReason.QUEUE)).isEqualTo(1);
	}

	@Test
	void onceToldToShedEverythingItDoes() {
		this.shedder.shedEverything();
		assertThat(this.shedder.decide(null)).isEqualTo(ShedReason.SHUTDOWN);
		assertThat(this.shedder.decide("t=" + System.currentTimeMillis())).isEqualTo(ShedReason.SHUTDOWN);
		assertThat(this.shedder.count(ShedReason.SHUTDOWN)).isEqualTo(2);
	}

	@Test
	void withoutALimitOnlyShutdownSheds() {
		Shedder off = new Shedder(null);
		assertThat(off.decide("t=" + (System.currentTimeMillis() - 60_000))).isNull();
	}

}

package io.github.busypool.shed;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueueTimeLimitTests {

	private static final long T0 = 1_764_000_000_000L;

	private final QueueTimeLimit limit = new QueueTimeLimit(Duration.ofMillis(5), Duration.ofMillis(100), T0);

	@Test
	void aNewLimitStartsAsIfTheQueueHadJustBeenEmpty() {
		// A cold application's first request took 60 ms to reach a thread: not a standing queue.
		assertThat(this.limit.tooOld(T0, T0 + 60)).isFalse();
		assertThat(this.limit.tooOld(T0 + 100, T0 + 160)).as("60 ms, after an interval with no empty queue").isTrue();
	}

	@Test
	void whileTheQueueEmptiesNowAndThenWaitsUpToTheIntervalPass() {
		assertThat(this.limit.tooOld(T0, T0 + 1)).isFalse();
		assertThat(this.limit.tooOld(T0 + 10, T0 + 90)).as("80 ms, 9 ms after an empty queue").isFalse();
		assertThat(this.limit.tooOld(T0 + 10, T0 + 120)).as("110 ms").isTrue();
	}

	@Test
	void onceTheQueueHasStoodForAnIntervalOnlyTheTargetPasses() {
		assertThat(this.limit.tooOld(T0, T0)).isFalse();
		assertThat(this.limit.tooOld(T0 + 10, T0 + 30)).as("20 ms").isFalse();
		assertThat(this.limit.tooOld(T0 + 60, T0 + 80)).as("20 ms").isFalse();
		// No request with a wait under the target for more than 100 ms: a standing queue.
		assertThat(this.limit.tooOld(T0 + 120, T0 + 140)).as("20 ms, queue standing").isTrue();
		assertThat(this.limit.tooOld(T0 + 200, T0 + 204)).as("4 ms empties it").isFalse();
		assertThat(this.limit.tooOld(T0 + 200, T0 + 260)).as("60 ms, just after").isFalse();
	}

	@Test
	void noRequestForAnIntervalCountsAsAnEmptyQueue() {
		assertThat(this.limit.tooOld(T0, T0)).isFalse();
		assertThat(this.limit.tooOld(T0 + 10, T0 + 40)).as("30 ms").isFalse();
		// Idle for 500 ms: the next request's 60 ms wait is not a standing queue.
		assertThat(this.limit.tooOld(T0 + 480, T0 + 540)).as("60 ms after idling").isFalse();
	}

	@Test
	void aStampFromTheFutureCountsAsNoWait() {
		// The application's clock runs 20 ms behind HAProxy's: still no wait, and an empty queue.
		assertThat(this.limit.tooOld(T0 + 20, T0)).isFalse();
		assertThat(this.limit.tooOld(T0 + 10, T0 + 90)).as("80 ms, soon after").isFalse();
		// A forged stamp an hour ahead: the same, nothing more.
		assertThat(this.limit.tooOld(T0 + 3_600_000, T0 + 100)).isFalse();
		assertThat(this.limit.tooOld(T0, T0 + 250)).as("250 ms").isTrue();
	}

	@Test
	void implausiblyOldStampsAreIgnored() {
		assertThat(this.limit.tooOld(T0, T0 + 1)).isFalse();
		assertThat(this.limit.tooOld(0, T0 + 500)).as("1970").isFalse();
		assertThat(this.limit.tooOld(T0 + 400, T0 + 1000)).as("600 ms").isTrue();
	}

	@Test
	void stampsAreReadInSecondsMillisecondsOrMicroseconds() {
		assertThat(QueueTimeLimit.parseStamp("t=1764000000123")).isEqualTo(1764000000123L);
		assertThat(QueueTimeLimit.parseStamp("1764000000123")).isEqualTo(1764000000123L);
		assertThat(QueueTimeLimit.parseStamp("t=1764000000123456")).isEqualTo(1764000000123L);
		assertThat(QueueTimeLimit.parseStamp("t=1764000000.123")).isEqualTo(1764000000123L);
		assertThat(QueueTimeLimit.parseStamp("t=1764000000.1")).isEqualTo(1764000000100L);
		assertThat(QueueTimeLimit.parseStamp("t=1764000000")).isEqualTo(1764000000000L);
	}

	@Test
	void malformedStampsAreNone() {
		for (String bad : new String[] { null, "", "t=", "t=abc", "t=-5", "t=1.2.3", "t=12345678901234567890",
				"t= 1764000000123", "1764000000123 ", "t=.5" }) {
			assertThat(QueueTimeLimit.parseStamp(bad)).as(String.valueOf(bad)).isEqualTo(-1);
		}
	}

}

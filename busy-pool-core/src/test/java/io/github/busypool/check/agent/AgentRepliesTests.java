package io.github.busypool.check.agent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;

import static org.assertj.core.api.Assertions.assertThat;

class AgentRepliesTests {

	private static final long MS = 1_000_000;

	@Test
	void idlePoolGetsFullWeightAndMaxconn() {
		AgentReplies replies = new AgentReplies(Duration.ofSeconds(1), 8);
		replies.sample(0, 8, 0);
		assertThat(reply(replies, BusyState.FREE)).isEqualTo("ready up 100% maxconn:8\n");
	}

	@Test
	void withoutSmoothingWeightIsHalfwayToSpareCapacity() {
		AgentReplies replies = new AgentReplies(Duration.ZERO, 0);
		replies.sample(2, 8, 0);
		assertThat(reply(replies, BusyState.FREE)).isEqualTo("ready up 88%\n");
		replies.sample(8, 8, MS);
		assertThat(replies.weight(BusyState.FREE)).isEqualTo(50);
		replies.sample(30, 8, 2 * MS);
		assertThat(reply(replies, BusyState.FREE)).isEqualTo("ready up 50%\n");
	}

	@Test
	void speedDominatesTheWeight() {
		AgentReplies replies = new AgentReplies(Duration.ZERO, 0);
		replies.sample(0, 8, 0.5, 0);
		assertThat(replies.weight(BusyState.FREE)).isEqualTo(50);
		// A full but healthy server outweighs an idle one three times slower than usual.
		replies.sample(8, 8, 1.0, MS);
		int fullAndHealthy = replies.weight(BusyState.FREE);
		replies.sample(0, 8, 0.0625, 2 * MS);
		int idleAndSlow = replies.weight(BusyState.FREE);
		assertThat(idleAndSlow * 5).isLessThan(fullAndHealthy);
		replies.sample(0, 8, 0.0, 3 * MS);
		assertThat(replies.weight(BusyState.FREE)).isEqualTo(AgentReplies.MIN_WEIGHT);
	}

	@Test
	void weightIsSmoothedOverTime() {
		AgentReplies replies = new AgentReplies(Duration.ofSeconds(1), 0);
		replies.sample(0, 10, 0);
		// Every thread taken from t=0: one time constant later the spare capacity has moved
		// 63 %, the weight half of that.
		for (int t = 100; t <= 1000; t += 100) {
			replies.sample(10, 10, t * MS);
		}
		assertThat(replies.weight(BusyState.FREE)).isBetween(68, 69);
		for (int t = 1100; t <= 8000; t += 100) {
			replies.sample(10, 10, t * MS);
		}
		assertThat(replies.weight(BusyState.FREE)).isEqualTo(50);
		// One idle sample does not restore the weight at once.
		replies.sample(0, 10, 8100 * MS);
		assertThat(replies.weight(BusyState.FREE)).isBetween(52, 58);
		for (int t = 8200; t <= 16000; t += 100) {
			replies.sample(0, 10, t * MS);
		}
		assertThat(replies.weight(BusyState.FREE)).isEqualTo(100);
	}

	@Test
	void busyIsLowButNeverDrainOrDown() {
		AgentReplies replies = new AgentReplies(Duration.ofSeconds(1), 4);
		replies.sample(0, 4, 0);
		assertThat(reply(replies, BusyState.BUSY)).isEqualTo("ready up 1% maxconn:4\n");
	}

	@Test
	void drainingIsDrain() {
		AgentReplies replies = new AgentReplies(Duration.ofSeconds(1), 4);
		replies.sample(0, 4, 0);
		assertThat(reply(replies, BusyState.DRAINING)).isEqualTo("drain\n");
		assertThat(reply(replies, BusyState.FREE)).isEqualTo("ready up 100% maxconn:4\n");
	}

	@Test
	void sameWeightReusesTheReply() {
		AgentReplies replies = new AgentReplies(Duration.ZERO, 4);
		replies.sample(1, 4, 0);
		byte[] first = replies.reply(BusyState.FREE);
		replies.sample(1, 4, MS);
		assertThat(replies.reply(BusyState.FREE)).isSameAs(first);
	}

	private static String reply(AgentReplies replies, BusyState state) {
		return new String(replies.reply(state), StandardCharsets.US_ASCII);
	}

}

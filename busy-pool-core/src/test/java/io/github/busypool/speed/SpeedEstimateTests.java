package io.github.busypool.speed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SpeedEstimateTests {

	private static final long MS = 1_000_000;

	private final SpeedEstimate estimate = new SpeedEstimate();

	private long now;

	/** 100 ms windows of {@code perWindow} completions of {@code ms} each, nothing running. */
	private void serve(int windows, int perWindow, long ms) {
		for (int i = 0; i < windows; i++) {
			this.now += 100 * MS;
			this.estimate.update(new ServiceTimes.Sample(perWindow, perWindow * ms * MS, 0, 0, 0), this.now);
		}
	}

	private void running(int windows, int running, long oldestMs, long secondMs) {
		for (int i = 0; i < windows; i++) {
			this.now += 100 * MS;
			this.estimate.update(new ServiceTimes.Sample(0, 0, running, oldestMs * MS, secondMs * MS), this.now);
		}
	}

	@Test
	void servingAsUsualIsFullSpeed() {
		serve(100, 2, 200);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
		assertThat(this.estimate.normalNanos()).isEqualTo(200.0 * MS);
	}

	@Test
	void nothingMeasuredIsFullSpeed() {
		running(10, 0, 0, 0);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
		assertThat(this.estimate.slowness()).isEqualTo(1.0);
	}

	@Test
	void threeTimesSlowerLosesLessThanTenTimesSlower() {
		serve(100, 2, 200);
		serve(1, 2, 600);
		double threeTimes = this.estimate.speed();
		SpeedEstimate other = new SpeedEstimate();
		long t = 0;
		for (int i = 0; i < 101; i++) {
			t += 100 * MS;
			other.update(new ServiceTimes.Sample(2, 2 * ((i < 100) ? 200 : 2000) * MS, 0, 0, 0), t);
		}
		assertThat(threeTimes).isLessThan(0.1).isGreaterThan(other.speed());
		assertThat(other.speed()).isLessThan(0.01);
	}

	@Test
	void slowRequestsStillRunningAreEvidenceBeforeAnyCompletes() {
		serve(100, 2, 200);
		running(1, 5, 500, 400);
		assertThat(this.estimate.slowness()).isGreaterThan(1.9);
		assertThat(this.estimate.speed()).isLessThan(0.4);
	}

	@Test
	void oneLongRequestAloneIsNoEvidence() {
		serve(100, 2, 200);
		running(20, 1, 5000, 0);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
	}

	@Test
	void anIdleSlowServerIsTriedAgainAndHeldDownWhileTheTryIsSlow() {
		serve(100, 2, 200);
		serve(1, 8, 2000);
		assertThat(this.estimate.speed()).isLessThan(0.001);
		// No traffic: the recent time drifts back towards normal, the speed rises.
		running(120, 0, 0, 0);
		double tried = this.estimate.speed();
		assertThat(tried).isGreaterThan(0.5);
		// A request sent to try it has run for longer than the tolerance: the speed holds.
		running(5, 1, 400, 0);
		assertThat(this.estimate.speed()).isLessThanOrEqualTo(tried);
	}

	@Test
	void anIdleSlowServerRegainsItsWeightGraduallyNotInABurst() {
		serve(100, 2, 200);
		serve(1, 8, 2000);
		running(45, 0, 0, 0);
		assertThat(this.estimate.speed()).as("4.5 s after the last slow answer").isLessThan(0.01);
		running(40, 0, 0, 0);
		double midway = this.estimate.speed();
		assertThat(midway).as("8.5 s after").isLessThan(0.5);
		running(40, 0, 0, 0);
		assertThat(this.estimate.speed()).as("12.5 s after").isGreaterThan(midway).isEqualTo(1.0);
	}

	@Test
	void oneFastTryRestoresFullSpeedAtOnce() {
		serve(100, 2, 200);
		serve(1, 8, 2000);
		assertThat(this.estimate.speed()).isLessThan(0.001);
		serve(1, 1, 210);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
	}

	@Test
	void aTryThatRunsLongHoldsASlowServerDownBeforeItCompletes() {
		serve(100, 2, 200);
		serve(1, 8, 2000);
		running(110, 0, 0, 0);
		assertThat(this.estimate.speed()).isGreaterThan(0.1);
		// One request, sent as the weight rose, has run for three times the normal.
		running(1, 1, 600, 0);
		assertThat(this.estimate.speed()).isLessThan(0.02);
	}

	@Test
	void aFastAnswerWhileASlowOneStillRunsIsNoFastTry() {
		serve(100, 2, 200);
		serve(1, 8, 2000);
		this.now += 100 * MS;
		this.estimate.update(new ServiceTimes.Sample(1, 200 * MS, 1, 900 * MS, 0), this.now);
		assertThat(this.estimate.speed()).isLessThan(0.01);
	}

	@Test
	void aLongRequestOnAHealthyServerIsForgottenAtTheNextFastAnswer() {
		serve(100, 2, 200);
		serve(1, 1, 5000);
		serve(1, 2, 200);
		// Another long request runs alone: no evidence on a server that answers fast.
		running(10, 1, 900, 0);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
	}

	@Test
	void fastCompletionsAfterABlipRestoreFullSpeedWithinASecond() {
		serve(100, 2, 200);
		serve(1, 8, 2000);
		serve(10, 2, 200);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
	}

	@Test
	void aBlipDoesNotBecomeTheNewNormalButALastingChangeDoes() {
		serve(100, 2, 200);
		serve(50, 2, 2000);
		assertThat(this.estimate.normalNanos()).isLessThan(400.0 * MS);
		serve(3000, 2, 2000);
		assertThat(this.estimate.normalNanos()).isGreaterThan(1900.0 * MS);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
	}

	@Test
	void aColdStartSettlesOnTheFasterNormalQuickly() {
		serve(1, 2, 2000);
		serve(20, 2, 200);
		assertThat(this.estimate.normalNanos()).isLessThan(250.0 * MS);
		assertThat(this.estimate.speed()).isEqualTo(1.0);
	}

}

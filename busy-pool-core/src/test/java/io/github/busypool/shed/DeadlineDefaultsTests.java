package io.github.busypool.shed;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeadlineDefaultsTests {

	@Test
	void theLongestMatchingPrefixWinsElseTheGlobalDefault() {
		DeadlineDefaults defaults = new DeadlineDefaults(3_000, Map.of("/api", 1_000L, "/api/report/", 30_000L));
		assertThat(defaults.any()).isTrue();
		assertThat(defaults.millisFor("/api/quote")).isEqualTo(1_000);
		assertThat(defaults.millisFor("/api")).isEqualTo(1_000);
		assertThat(defaults.millisFor("/api/report")).isEqualTo(30_000);
		assertThat(defaults.millisFor("/api/report/2026")).isEqualTo(30_000);
		assertThat(defaults.millisFor("/apiary")).as("a prefix is whole segments").isEqualTo(3_000);
		assertThat(defaults.millisFor("/")).isEqualTo(3_000);
	}

	@Test
	void withoutAGlobalDefaultUnmatchedPathsHaveNone() {
		DeadlineDefaults defaults = new DeadlineDefaults(ClientDeadline.ABSENT, Map.of("/", 2_000L));
		assertThat(defaults.millisFor("/anything")).isEqualTo(2_000);
		assertThat(DeadlineDefaults.NONE.any()).isFalse();
		assertThat(DeadlineDefaults.NONE.millisFor("/anything")).isEqualTo(ClientDeadline.ABSENT);
	}

}

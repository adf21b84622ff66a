package io.github.busypool.shed;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientDeadlineTests {

	@Test
	void readsEnvoysMilliseconds() {
		assertThat(ClientDeadline.millis("950", null)).isEqualTo(950);
		assertThat(ClientDeadline.millis("30000", "1S")).as("Envoy's first").isEqualTo(30_000);
	}

	@Test
	void readsEveryGrpcUnit() {
		assertThat(ClientDeadline.millis(null, "950m")).isEqualTo(950);
		assertThat(ClientDeadline.millis(null, "3S")).isEqualTo(3_000);
		assertThat(ClientDeadline.millis(null, "2M")).isEqualTo(120_000);
		assertThat(ClientDeadline.millis(null, "1H")).isEqualTo(3_600_000);
		assertThat(ClientDeadline.millis(null, "1500u")).isEqualTo(2);
		assertThat(ClientDeadline.millis(null, "99999999n")).isEqualTo(100);
		assertThat(ClientDeadline.millis(null, "1n")).as("rounded up, not to 0").isEqualTo(1);
	}

	@Test
	void absentIsAbsent() {
		assertThat(ClientDeadline.millis(null, null)).isEqualTo(ClientDeadline.ABSENT);
	}

	@Test
	void malformedNegativeOrAbsurdValuesAreInvalidNeverThrown() {
		for (String envoy : new String[] { "", "-5", "0", "1.5", "12ms", " 12", "abc", "99999999999",
				"86400001" }) {
			assertThat(ClientDeadline.millis(envoy, null)).as(envoy).isEqualTo(ClientDeadline.INVALID);
		}
		for (String grpc : new String[] { "", "m", "5", "5x", "-5m", "0m", "123456789m", "1.5S", "25H", "99999999H",
				"5 S" }) {
			assertThat(ClientDeadline.millis(null, grpc)).as(grpc).isEqualTo(ClientDeadline.INVALID);
		}
	}

}

package io.github.busypool.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PhysicalLimitTests {

	@Test
	void withoutACollapseEveryRequestIsServed() {
		assertThat(PhysicalLimit.served(60, 600, 24, 200, 200, 5_000, 13_000, 1_000)).isEqualTo(600);
	}

	@Test
	void clientsThatCannotWaitOutACallAreServedOnlyOutsideTheCollapse() {
		// 2 s calls for 1 s clients: 300 before, 720 after, and 48 due in the last 0.8 s of
		// the collapse, served after it.
		assertThat(PhysicalLimit.served(60, 1500, 24, 200, 2000, 5_000, 13_000, 1_000)).isEqualTo(1068);
	}

	@Test
	void patientClientsCanAllBeServedOnceTheFleetRecovers() {
		assertThat(PhysicalLimit.served(60, 1500, 24, 200, 2000, 5_000, 13_000, 30_000)).isEqualTo(1500);
		int three = PhysicalLimit.served(60, 1500, 24, 200, 2000, 5_000, 13_000, 3_000);
		assertThat(three).isBetween(1068, 1500);
	}

	@Test
	void aFleetThatIsTooSmallServesAtMostItsCapacity() {
		// 1 thread, 200 ms calls: 5 a second at most, for 10 s of load and 1 s clients.
		assertThat(PhysicalLimit.served(60, 600, 1, 200, 200, 0, 0, 1_000)).isBetween(50, 55);
	}

}

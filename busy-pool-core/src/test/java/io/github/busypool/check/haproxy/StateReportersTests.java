package io.github.busypool.check.haproxy;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class StateReportersTests {

	@Test
	void anyoneAcceptsEveryCheck() {
		assertThat(StateReporters.anyone().accepts(false, "203.0.113.9")).isTrue();
		assertThat(StateReporters.anyone().accepts(true, null)).isTrue();
	}

	@Test
	void checkPortOnlyRefusesTheMainPort() {
		StateReporters reporters = StateReporters.of(true, List.of());
		assertThat(reporters.accepts(true, "203.0.113.9")).isTrue();
		assertThat(reporters.accepts(false, "127.0.0.1")).isFalse();
	}

	@Test
	void rangesMatchByPrefix() {
		StateReporters reporters = StateReporters.of(false, List.of("10.1.0.0/16", "192.168.7.7", "fd00::/8", "::1"));
		assertThat(reporters.accepts(false, "10.1.200.3")).isTrue();
		assertThat(reporters.accepts(false, "10.2.0.1")).isFalse();
		assertThat(reporters.accepts(false, "192.168.7.7")).isTrue();
		assertThat(reporters.accepts(false, "192.168.7.8")).isFalse();
		assertThat(reporters.accepts(false, "fd12:3456::1")).isTrue();
		assertThat(reporters.accepts(false, "fe80::1")).isFalse();
		assertThat(reporters.accepts(false, "0:0:0:0:0:0:0:1")).isTrue();
		// IPv4-mapped IPv6, as a dual-stack socket reports an IPv4 client.
		assertThat(reporters.accepts(false, "::ffff:10.1.2.3")).isTrue();
		assertThat(reporters.accepts(false, "::ffff:10.9.2.3")).isFalse();
	}

	@Test
	void prefixesNeedNotEndOnAByte() {
		StateReporters reporters = StateReporters.of(false, List.of("192.168.4.0/22", "2001:db8::/33"));
		assertThat(reporters.accepts(false, "192.168.4.0")).isTrue();
		assertThat(reporters.accepts(false, "192.168.7.255")).isTrue();
		assertThat(reporters.accepts(false, "192.168.8.0")).isFalse();
		assertThat(reporters.accepts(false, "192.168.3.255")).isFalse();
		assertThat(reporters.accepts(false, "2001:db8:7fff::1")).isTrue();
		assertThat(reporters.accepts(false, "2001:db8:8000::1")).isFalse();
	}

	@Test
	void whatIsNotALiteralIsRefusedWithoutALookup() {
		StateReporters reporters = StateReporters.of(false, List.of("0.0.0.0/0"));
		assertThat(reporters.accepts(false, "1.2.3.4")).isTrue();
		assertThat(reporters.accepts(false, "localhost")).isFalse();
		assertThat(reporters.accepts(false, "abc")).isFalse();
		assertThat(reporters.accepts(false, "")).isFalse();
		assertThat(reporters.accepts(false, null)).isFalse();
	}

	@Test
	void badRangesAreRefused() {
		for (String bad : List.of("lb.example.com", "10.0.0.0/33", "::1/129", "10.0.0.0/x", "", "10.0.0/8",
				"1.2.3.4.5")) {
			assertThatIllegalArgumentException().as(bad)
				.isThrownBy(() -> StateReporters.of(false, List.of(bad)))
				.withMessageContaining("'" + bad + "'");
		}
	}

}

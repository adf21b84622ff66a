package io.github.busypool.check.haproxy;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HaproxyServerStateTests {

	@Test
	void parsesHaproxysHeader() {
		assertThat(HaproxyServerState.parse("UP 2/3; name=bck/srv2; node=lb1; weight=1/2; scur=13/22; qcur=0"))
			.isEqualTo(new HaproxyServerState("lb1", true, 1, 13, 0));
		assertThat(HaproxyServerState.parse("UP; name=app/app1; node=lb-2.example; weight=100/300; scur=0/4; qcur=7"))
			.isEqualTo(new HaproxyServerState("lb-2.example", true, 100, 0, 7));
		assertThat(HaproxyServerState
			.parse("DOWN 1/2; name=app/app1; node=lb1; weight=0/100; scur=0/0; qcur=0; throttle=50%"))
			.isEqualTo(new HaproxyServerState("lb1", false, 0, 0, 0));
		assertThat(HaproxyServerState.parse("NOLB; name=a/b; node=n; weight=1/1; scur=2/2; qcur=3").up()).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "UP", "up 2/3; node=lb1; weight=1/2; scur=1/2; qcur=0",
			"UP; node=lb1; weight=1/2; scur=1/2", "UP; weight=1/2; scur=1/2; qcur=0",
			"UP; node=; weight=1/2; scur=1/2; qcur=0", "UP; node=lb1; weight=-1/2; scur=1/2; qcur=0",
			"UP; node=lb1; weight=1/2; scur=x/2; qcur=0", "UP; node=lb1; weight=1/2; scur=1/2; qcur=9999999999",
			"UP; node=lb1; weight=1/2; scur=1/2; qcur=1e3", "UP; node=lb 1; weight=1/2; scur=1/2; qcur=0",
			"UP; node=lb1\r\nX-Injected: 1; weight=1/2; scur=1/2; qcur=0",
			"UP; node=<script>; weight=1/2; scur=1/2; qcur=0", "UP; node=lb\u00e9; weight=1/2; scur=1/2; qcur=0",
			"UPUPUPUPUPUPUPUPUPUP; node=lb1; weight=1/2; scur=1/2; qcur=0", "; ; ; ;", "=;=;=",
			"UP; node=lb1; weight=/; scur=/; qcur=" })
	void ignoresMalformedValues(String header) {
		assertThat(HaproxyServerState.parse(header)).isNull();
	}

	@Test
	void ignoresNullOverlongAndOverlongNodeNames() {
		assertThat(HaproxyServerState.parse(null)).isNull();
		assertThat(HaproxyServerState.parse("UP; node=lb1; weight=1/2; scur=1/2; qcur=0; x=" + "a".repeat(600)))
			.isNull();
		assertThat(HaproxyServerState.parse("UP; node=" + "n".repeat(65) + "; weight=1/2; scur=1/2; qcur=0"))
			.isNull();
		assertThat(HaproxyServerState.parse("UP; node=" + "n".repeat(64) + "; weight=1/2; scur=1/2; qcur=0"))
			.isNotNull();
	}

	@Test
	void viewKeepsOneEntryPerNodeAndAtMostMaxNodes() {
		HaproxyView view = new HaproxyView();
		AtomicLong newNodes = new AtomicLong();
		view.onNewNode((node) -> newNodes.incrementAndGet());
		assertThat(view.record("UP; node=lb1; weight=1/2; scur=1/2; qcur=0")).isTrue();
		assertThat(view.record("UP; node=lb1; weight=5/9; scur=3/9; qcur=2")).isTrue();
		assertThat(view.record("garbage")).isFalse();
		assertThat(view.record(null)).isFalse();
		assertThat(view.nodes()).singleElement()
			.satisfies((node) -> assertThat(node.current()).isEqualTo(new HaproxyServerState("lb1", true, 5, 3, 2)));
		for (int i = 0; i < 100; i++) {
			view.record("UP; node=flood" + i + "; weight=1/2; scur=1/2; qcur=0");
		}
		assertThat(view.nodes()).hasSize(HaproxyView.MAX_NODES);
		assertThat(newNodes).hasValue(HaproxyView.MAX_NODES);
		assertThat(view.record("UP; node=lb1; weight=7/9; scur=3/9; qcur=2")).isTrue();
	}

	@Test
	void nodeThatStopsCheckingGoesStale() {
		AtomicLong now = new AtomicLong(1_000);
		HaproxyView view = new HaproxyView(now::get);
		view.record("UP; node=lb1; weight=1/2; scur=1/2; qcur=0");
		HaproxyView.Node node = view.nodes().iterator().next();
		now.addAndGet(HaproxyView.STALE_AFTER_MILLIS);
		assertThat(node.current()).isNotNull();
		now.incrementAndGet();
		assertThat(node.current()).isNull();
		view.record("UP; node=lb1; weight=1/2; scur=1/2; qcur=0");
		assertThat(node.current()).isNotNull();
	}

}

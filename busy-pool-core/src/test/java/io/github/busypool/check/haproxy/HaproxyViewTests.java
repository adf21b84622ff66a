package io.github.busypool.check.haproxy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HaproxyViewTests {

	private final AtomicLong clock = new AtomicLong(1_000_000);

	private final HaproxyView view = new HaproxyView(this.clock::get);

	@Test
	void forgedNodesThatGoQuietMakeWayForRealOnes() {
		List<String> removed = new ArrayList<>();
		this.view.onRemovedNode((node) -> removed.add(node.name()));
		for (int i = 0; i < HaproxyView.MAX_NODES; i++) {
			assertThat(this.view.record(header("forged" + i))).isTrue();
		}
		// Full: a real node waits while the forged ones are fresh.
		assertThat(this.view.record(header("lb1"))).isFalse();
		this.clock.addAndGet(HaproxyView.STALE_AFTER_MILLIS / 2);
		assertThat(this.view.record(header("forged0"))).isTrue();
		assertThat(this.view.record(header("lb1"))).isFalse();
		// The forgers stop; a minute later the real node is recorded at its next check.
		this.clock.addAndGet(HaproxyView.STALE_AFTER_MILLIS / 2 + 1);
		assertThat(this.view.record(header("lb1"))).isTrue();
		assertThat(this.view.nodes()).hasSize(2)
			.extracting(HaproxyView.Node::name)
			.containsExactlyInAnyOrder("forged0", "lb1");
		assertThat(removed).hasSize(HaproxyView.MAX_NODES - 1).doesNotContain("forged0");
		assertThat(this.view.nodes()).allSatisfy((node) -> assertThat(node.current()).isNotNull());
	}

	@Test
	void nodesAreNeverMoreThanTheLimit() {
		for (int round = 0; round < 5; round++) {
			for (int i = 0; i < 3 * HaproxyView.MAX_NODES; i++) {
				this.view.record(header("n" + round + "-" + i));
			}
			assertThat(this.view.nodes()).hasSize(HaproxyView.MAX_NODES);
			this.clock.addAndGet(HaproxyView.STALE_AFTER_MILLIS + 1);
		}
	}

	private static String header(String node) {
		return "UP 3/3; name=app/app1; node=" + node + "; weight=1/1; scur=0/1; qcur=0";
	}

}

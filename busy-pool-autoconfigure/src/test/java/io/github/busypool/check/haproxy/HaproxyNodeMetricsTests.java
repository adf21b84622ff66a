package io.github.busypool.check.haproxy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import io.github.busypool.actuate.BusyPoolMetrics;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A dropped node takes its gauges with it, so forged names cannot pile up meters. */
class HaproxyNodeMetricsTests {

	@Test
	void evictedNodesLoseTheirGauges() {
		AtomicLong clock = new AtomicLong(1_000_000);
		HaproxyView view = new HaproxyView(clock::get);
		BusyPoolExecutor pool = new BusyPoolExecutor(1, 1, Integer.MAX_VALUE, 0);
		MeterRegistry registry = new SimpleMeterRegistry();
		try (BusyPoolMetrics metrics = new BusyPoolMetrics(pool.busyPool(), new CheckCounters(), List.of(CheckVia.FILTER),
				view)) {
			metrics.bindTo(registry);
			for (int i = 0; i < HaproxyView.MAX_NODES; i++) {
				view.record(header("forged" + i));
			}
			// Registered off the check thread, in order.
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.find("busypool.haproxy.up").gauges().size() == HaproxyView.MAX_NODES);
			clock.addAndGet(HaproxyView.STALE_AFTER_MILLIS + 1);
			assertThat(view.record(header("lb1"))).isTrue();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> registry.find("busypool.haproxy.weight").tag("node", "lb1").gauge() != null);
			assertThat(registry.find("busypool.haproxy.up").gauges()).hasSize(1);
			assertThat(registry.get("busypool.haproxy.weight").tag("node", "lb1").gauge().value()).isEqualTo(7);
			assertThat(registry.find("busypool.haproxy.weight").tag("node", "forged0").gauge()).isNull();
		}
		finally {
			pool.busyPool().shutdownGracefully(Duration.ofSeconds(10));
		}
		// Closing removes the gauges of the nodes still there.
		assertThat(registry.find("busypool.haproxy.up").gauges()).isEmpty();
	}

	private static String header(String node) {
		return "UP 3/3; name=app/app1; node=" + node + "; weight=7/10; scur=0/1; qcur=0";
	}

}

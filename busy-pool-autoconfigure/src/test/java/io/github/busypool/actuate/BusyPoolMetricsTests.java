package io.github.busypool.actuate;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;
import io.github.busypool.shed.Shedder;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BusyPoolMetricsTests {

	private final BusyPoolExecutor pool = new BusyPoolExecutor(1, 1, Integer.MAX_VALUE, 0);

	private final CheckCounters checks = new CheckCounters();

	private final MeterRegistry registry = new SimpleMeterRegistry();

	private final BusyPoolMetrics metrics = new BusyPoolMetrics(this.pool.busyPool(), this.checks,
			List.of(CheckVia.FILTER));

	@AfterEach
	void shutDown() {
		this.pool.busyPool().shutdownGracefully(Duration.ofSeconds(10));
	}

	@Test
	void registersEveryMeterOfTheContract() {
		this.pool.start("metrics-exec-");
		this.metrics.bindTo(this.registry);
		for (String name : List.of("busypool.state", "busypool.threads.active", "busypool.threads.idle",
				"busypool.threads.max", "busypool.queue.size")) {
			assertThat(this.registry.get(name).gauge()).as(name).isNotNull();
		}
		assertThat(this.registry.get("busypool.queue.wait").timer()).isNotNull();
		assertThat(this.registry.get("busypool.transitions").tag("to", "busy").functionCounter()).isNotNull();
		assertThat(this.registry.get("busypool.transitions").tag("to", "free").functionCounter()).isNotNull();
		assertThat(this.registry.get("busypool.busy.time").functionCounter()).isNotNull();
		for (BusyState answer : BusyState.values()) {
			assertThat(this.registry.get("busypool.checks")
				.tag("answer", answer.label())
				.tag("via", "filter")
				.functionCounter()).isNotNull();
		}
		assertThat(this.registry.get("busypool.threads.max").gauge().value()).isEqualTo(1);
		// A thread just started counts as active until it first waits for a task.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.registry.get("busypool.threads.idle").gauge().value() == 1);
		this.checks.increment(CheckVia.FILTER, BusyState.BUSY);
		assertThat(this.registry.get("busypool.checks").tag("answer", "busy").functionCounter().count()).isEqualTo(1);
	}

	/**
	 * The gauges of one scrape read one snapshot, so that they agree: here the pool moves
	 * between every two reads, and still active, idle and queued add up.
	 */
	@Test
	void theGaugesOfAScrapeReadOneSnapshot() {
		java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
		io.github.busypool.FixedPool fixed = new io.github.busypool.FixedPool(io.github.busypool.BusyState.BUSY, 4, 6,
				null);
		io.github.busypool.signal.DrainablePool moving = new io.github.busypool.signal.DrainablePool() {

			@Override
			public io.github.busypool.BusyState getState() {
				return fixed.getState();
			}

			@Override
			public io.github.busypool.PoolSnapshot snapshot() {
				taken.incrementAndGet();
				// Each snapshot sees one more request than the one before.
				fixed.submitted.incrementAndGet();
				return fixed.snapshot();
			}

			@Override
			public long getTransitionCount(io.github.busypool.BusyState state) {
				return 0;
			}

			@Override
			public Duration getBusyTime() {
				return Duration.ZERO;
			}

			@Override
			public void setListeners(List<? extends io.github.busypool.BusyStateListener> listeners) {
			}

			@Override
			public void setQueueWaitRecorder(io.github.busypool.signal.QueueWaitRecorder recorder) {
			}

			@Override
			public long getSkippedTransitions() {
				return 0;
			}

			@Override
			public Registration addListener(io.github.busypool.BusyStateListener listener) {
				return () -> {
				};
			}

			@Override
			public void drain() {
			}

			@Override
			public int runQueuedNow() {
				return 0;
			}

			@Override
			public boolean shutdownGracefully(Duration timeout) {
				return true;
			}

		};
		BusyPoolMetrics bound = new BusyPoolMetrics(moving, this.checks, List.of(CheckVia.FILTER));
		bound.bindTo(this.registry);
		// Gauges hold what they read weakly: it must survive a collection.
		System.gc();
		double active = this.registry.get("busypool.threads.active").gauge().value();
		double idle = this.registry.get("busypool.threads.idle").gauge().value();
		double queued = this.registry.get("busypool.queue.size").gauge().value();
		assertThat(taken).as("one snapshot for the scrape").hasValue(1);
		assertThat(active + idle).isEqualTo(4);
		assertThat(active + queued).isEqualTo(7);
		assertThat(bound).isNotNull();
	}

	@Test
	void countsWhatIsShedByReason() {
		Shedder shedder = new Shedder(null);
		this.metrics.withShedder(shedder).bindTo(this.registry);
		shedder.shedEverything();
		shedder.decide(null);
		assertThat(this.registry.get("busypool.shed").tag("reason", "shutdown").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("busypool.shed").tag("reason", "queue").functionCounter().count()).isZero();
	}

	@Test
	void queueWaitTimesTasksThatWaited() throws Exception {
		this.pool.start("metrics-exec-");
		this.metrics.bindTo(this.registry);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(2);
		CountDownLatch running = new CountDownLatch(1);
		this.pool.execute(() -> {
			running.countDown();
			hold(release);
			done.countDown();
		});
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		this.pool.execute(done::countDown);
		assertThat(this.registry.get("busypool.state").gauge().value()).isEqualTo(1);
		assertThat(this.registry.get("busypool.queue.size").gauge().value()).isEqualTo(1);
		Thread.sleep(50);
		release.countDown();
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		Timer wait = this.registry.get("busypool.queue.wait").timer();
		await().atMost(Duration.ofSeconds(10)).until(() -> wait.count() == 1);
		assertThat(wait.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(50);
	}

	@Test
	void disabledQueueWaitTimerLeavesTasksUntimed() {
		this.registry.config().meterFilter(MeterFilter.denyNameStartsWith("busypool.queue.wait"));
		this.pool.start("metrics-exec-");
		this.metrics.bindTo(this.registry);
		assertQueuedTaskIsNotTimed();
	}

	@Test
	void closeRemovesMetersAndStopsTiming() {
		this.pool.start("metrics-exec-");
		this.metrics.bindTo(this.registry);
		this.metrics.close();
		assertThat(this.registry.find("busypool.state").gauge()).isNull();
		assertThat(this.registry.getMeters()).isEmpty();
		assertQueuedTaskIsNotTimed();
	}

	/** A timed task would sit in the queue wrapped, not as itself. */
	private void assertQueuedTaskIsNotTimed() {
		CountDownLatch release = new CountDownLatch(1);
		holdTheOnlyThread(release);
		Runnable queued = () -> {
		};
		this.pool.execute(queued);
		assertThat(this.pool.getQueue()).containsExactly(queued);
		release.countDown();
	}

	private void holdTheOnlyThread(CountDownLatch release) {
		CountDownLatch running = new CountDownLatch(1);
		this.pool.execute(() -> {
			running.countDown();
			hold(release);
		});
		hold(running);
	}

	private static void hold(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

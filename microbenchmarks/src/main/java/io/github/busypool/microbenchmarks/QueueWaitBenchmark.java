package io.github.busypool.microbenchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.graphite.GraphiteConfig;
import io.micrometer.graphite.GraphiteMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.busypool.signal.PoolAdapter;
import io.github.busypool.signal.QueueWaitRecorder;
import io.github.busypool.signal.SignalledPool;
import io.github.busypool.actuate.BusyPoolMetrics;
import io.github.busypool.check.CheckCounters;

/**
 * What recording one {@code busypool.queue.wait} costs the thread that is about to run the
 * task, with the registry users run (Graphite, whose timers are Dropwizard's) and with
 * Micrometer's simple registry.
 * <p>
 * {@code direct}: the wait goes straight into the registry's timer, as busy-pool did
 * before. {@code deferred}: busy-pool's recorder, as {@link BusyPoolMetrics} installs it,
 * which buffers the wait and hands it to the timer on a thread of its own.
 * <p>
 * Run with {@code -prof gc} to see the allocation per wait, and with {@code -t 2} for two
 * recording threads at once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class QueueWaitBenchmark {

	@Param({ "graphite", "simple" })
	public String registry;

	@Param({ "direct", "deferred" })
	public String recording;

	private MeterRegistry meterRegistry;

	private BusyPoolMetrics metrics;

	private QueueWaitRecorder recorder;

	private long wait;

	@Setup(Level.Trial)
	public void setUp() {
		this.meterRegistry = this.registry.equals("graphite") ? graphite() : new SimpleMeterRegistry();
		SignalledPool pool = idlePool();
		this.metrics = new BusyPoolMetrics(pool, new CheckCounters(), List.of());
		this.metrics.bindTo(this.meterRegistry);
		QueueWaitRecorder deferred = pool.queueWaitRecorder();
		io.micrometer.core.instrument.Timer timer = this.meterRegistry.get("busypool.queue.wait").timer();
		this.recorder = this.recording.equals("deferred") ? deferred
				: (nanos) -> timer.record(nanos, TimeUnit.NANOSECONDS);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.metrics.close();
		this.meterRegistry.close();
	}

	/** Waits from about 1 µs to 1 s, as a saturated pool's tasks see them. */
	@Benchmark
	public void record() {
		long next = this.wait * 6364136223846793005L + 1442695040888963407L;
		this.wait = next;
		this.recorder.record(1_000 + ((next >>> 34) & 0x3FFF_FFFFL));
	}

	private static MeterRegistry graphite() {
		GraphiteConfig config = new GraphiteConfig() {

			@Override
			public String get(String key) {
				return null;
			}

			@Override
			public boolean enabled() {
				// Nothing to send to: only the recording is measured.
				return false;
			}

			@Override
			public Duration step() {
				return Duration.ofMinutes(1);
			}

		};
		return new GraphiteMeterRegistry(config, Clock.SYSTEM);
	}

	/** A pool of one idle thread, which only holds the recorder that the metrics install. */
	private static SignalledPool idlePool() {
		return new SignalledPool(0, new PoolAdapter() {

			@Override
			public int submitted() {
				return 0;
			}

			@Override
			public int threads() {
				return 1;
			}

			@Override
			public int maxThreads() {
				return 1;
			}

			@Override
			public int runQueuedNow() {
				return 0;
			}

			@Override
			public boolean stop(Duration timeout) {
				return true;
			}

		});
	}

}

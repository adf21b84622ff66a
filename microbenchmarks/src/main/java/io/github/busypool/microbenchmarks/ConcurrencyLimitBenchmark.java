package io.github.busypool.microbenchmarks;

import java.util.concurrent.TimeUnit;

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

import io.github.busypool.limit.ConcurrencyLimit;

/**
 * What the virtual-thread concurrency limit adds to each request: one
 * {@link ConcurrencyLimit#enter()} and one {@link ConcurrencyLimit#exit()}, with room to
 * spare ({@code limit} 200, the default), so nothing waits. Tomcat's own virtual-thread
 * executor does nothing per request at this point, so this is the whole overhead. Run with
 * {@code -t 2} for two request threads at once, and {@code -prof gc} for allocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ConcurrencyLimitBenchmark {

	@Param({ "200" })
	public int limit;

	private ConcurrencyLimit concurrencyLimit;

	@Setup(Level.Trial)
	public void setUp() {
		this.concurrencyLimit = new ConcurrencyLimit(this.limit, 0);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.concurrencyLimit.busyPool().shutdownGracefully(java.time.Duration.ofSeconds(5));
	}

	@Benchmark
	public void enterAndExit() {
		this.concurrencyLimit.enter();
		this.concurrencyLimit.exit();
	}

}

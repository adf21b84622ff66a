package io.github.busypool.microbenchmarks;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.tomcat.util.threads.TaskQueue;
import org.apache.tomcat.util.threads.TaskThreadFactory;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.github.busypool.tomcat.BusyPoolExecutor;

/**
 * Tasks through {@code execute()}: busy-pool against Tomcat's own
 * {@link ThreadPoolExecutor} of the same fixed size, 8 threads (a fixed size keeps thread
 * creation and idle timeouts out of the numbers).
 * <p>
 * {@code saturated}: each invocation hands the pool a batch of empty tasks and waits
 * until they have all run, so the score is tasks per microsecond through submit, queue,
 * run and complete, and the queue cannot grow without bound. Batches queue up faster
 * than threads take them, so the pool crosses the busy line thousands of times a second
 * and most tasks are queued (and timed, with {@code +timer}): the worst case.
 * <p>
 * {@code handoff}: each submitter hands over one task and waits for it, so there is
 * always an idle thread: the common case of a pool that is not saturated.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(2)
public class ExecuteBenchmark {

	static final int BATCH = 1000;

	static final int THREADS = 8;

	/**
	 * {@code tomcat}: Tomcat's executor; {@code busy-pool}: busy tracking only;
	 * {@code busy-pool+timer}: busy tracking and the {@code busypool.queue.wait} timer,
	 * as the starter runs it when Micrometer is present.
	 */
	@Param({ "tomcat", "busy-pool", "busy-pool+timer" })
	public String pool;

	ThreadPoolExecutor executor;

	@Setup(Level.Trial)
	public void start() {
		if (this.pool.equals("tomcat")) {
			TaskQueue queue = new TaskQueue();
			this.executor = new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, queue,
					new TaskThreadFactory("tomcat-exec-", true, Thread.NORM_PRIORITY));
			queue.setParent(this.executor);
		}
		else {
			BusyPoolExecutor busyPool = new BusyPoolExecutor(THREADS, THREADS, Integer.MAX_VALUE, 0);
			busyPool.start("busy-pool-exec-");
			if (this.pool.endsWith("+timer")) {
				Timer timer = Timer.builder("busypool.queue.wait").register(new SimpleMeterRegistry());
				busyPool.busyPool().setQueueWaitRecorder((nanos) -> timer.record(nanos, TimeUnit.NANOSECONDS));
			}
			this.executor = busyPool;
		}
	}

	@TearDown(Level.Trial)
	public void stop() throws InterruptedException {
		if (this.executor instanceof BusyPoolExecutor busyPool && Boolean.getBoolean("bench.transitions")) {
			System.out.println("transitions to busy: " + busyPool.busyPool().getTransitionCount(io.github.busypool.BusyState.BUSY)
					+ ", tasks: " + busyPool.getCompletedTaskCount());
		}
		this.executor.shutdown();
		this.executor.awaitTermination(10, TimeUnit.SECONDS);
	}

	@Benchmark
	public void handoff(Submitter submitter) {
		submitter.remaining.set(1);
		this.executor.execute(submitter.task);
		while (submitter.remaining.get() != 0) {
			LockSupport.park(this);
		}
	}

	@Benchmark
	@OperationsPerInvocation(BATCH)
	public void saturated(Submitter submitter) {
		submitter.remaining.set(BATCH);
		for (int i = 0; i < BATCH; i++) {
			this.executor.execute(submitter.task);
		}
		while (submitter.remaining.get() != 0) {
			LockSupport.park(this);
		}
	}

	/**
	 * One per submitting thread: its batch counter and the task that counts down.
	 */
	@State(Scope.Thread)
	public static class Submitter {

		final AtomicInteger remaining = new AtomicInteger();

		Thread owner;

		Runnable task;

		@Setup(Level.Trial)
		public void setUp() {
			this.owner = Thread.currentThread();
			this.task = () -> {
				if (this.remaining.decrementAndGet() == 0) {
					LockSupport.unpark(this.owner);
				}
			};
		}

	}

}

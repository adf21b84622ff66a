package io.github.busypool.shed;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;

import static org.assertj.core.api.Assertions.assertThat;

class DrainWaitTests {

	private final CheckCounters counters = new CheckCounters();

	private final AtomicLong begun = new AtomicLong();

	private final DrainWait wait = new DrainWait(this.counters, this.begun::get);

	@Test
	void noDrainWhenNothingAskedForTheState() throws Exception {
		assertThat(this.wait.await(System.nanoTime(), Duration.ofSeconds(30))).isEqualTo(DrainWait.End.UNWATCHED);
	}

	@Test
	void aDrainDelayOfZeroIsNoDrain() throws Exception {
		this.counters.increment(CheckVia.AGENT, BusyState.FREE);
		assertThat(this.wait.await(System.nanoTime(), Duration.ZERO)).isEqualTo(DrainWait.End.DELAY);
	}

	@Test
	void endsOnceTheWatchersWereToldAndRequestsStopped() throws Exception {
		this.counters.increment(CheckVia.AGENT, BusyState.FREE);
		long start = System.nanoTime();
		Thread told = new Thread(() -> {
			this.begun.incrementAndGet();
			this.counters.increment(CheckVia.AGENT, BusyState.DRAINING);
		});
		told.start();
		told.join();
		assertThat(this.wait.await(start, Duration.ofSeconds(30))).isEqualTo(DrainWait.End.QUIET);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
	}

	@Test
	void lastsTheDelayWhileRequestsKeepComing() throws Exception {
		this.counters.increment(CheckVia.PORT, BusyState.FREE);
		Thread traffic = new Thread(() -> {
			long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			while (System.nanoTime() < end) {
				this.begun.incrementAndGet();
				this.counters.increment(CheckVia.PORT, BusyState.DRAINING);
				try {
					Thread.sleep(100);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		});
		traffic.start();
		try {
			assertThat(this.wait.await(System.nanoTime(), Duration.ofMillis(1500))).isEqualTo(DrainWait.End.DELAY);
		}
		finally {
			traffic.interrupt();
			traffic.join();
		}
	}

	@Test
	void withoutWatchersNotedTheDrainLastsItsDelay() throws Exception {
		DrainWait plain = new DrainWait(null, () -> 0);
		long start = System.nanoTime();
		assertThat(plain.await(start, Duration.ofMillis(200))).isEqualTo(DrainWait.End.DELAY);
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
	}

}

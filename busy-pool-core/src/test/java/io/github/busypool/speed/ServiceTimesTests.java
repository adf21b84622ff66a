package io.github.busypool.speed;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServiceTimesTests {

	private static final long MS = 1_000_000;

	@Test
	void completionsAreCountedOnceAndRunningRequestsAged() {
		ServiceTimes times = new ServiceTimes(4);
		int a = times.begin(1000 * MS);
		int b = times.begin(1100 * MS);
		int c = times.begin(1150 * MS);
		times.end(c, 1150 * MS, 1250 * MS);
		ServiceTimes.Sample sample = times.sample(1300 * MS);
		assertThat(sample.completed()).isEqualTo(1);
		assertThat(sample.completedNanos()).isEqualTo(100 * MS);
		assertThat(sample.running()).isEqualTo(2);
		assertThat(sample.oldestNanos()).isEqualTo(300 * MS);
		assertThat(sample.secondOldestNanos()).isEqualTo(200 * MS);
		times.end(a, 1000 * MS, 1400 * MS);
		times.end(b, 1100 * MS, 1400 * MS);
		ServiceTimes.Sample next = times.sample(1500 * MS);
		assertThat(next.completed()).isEqualTo(2);
		assertThat(next.completedNanos()).isEqualTo(700 * MS);
		assertThat(next.running()).isZero();
	}

	@Test
	void aFullTableStillCountsCompletions() {
		ServiceTimes times = new ServiceTimes(1);
		int[] slots = new int[8];
		for (int i = 0; i < slots.length; i++) {
			slots[i] = times.begin(MS);
		}
		assertThat(slots).contains(-1);
		for (int slot : slots) {
			times.end(slot, MS, 2 * MS);
		}
		ServiceTimes.Sample sample = times.sample(3 * MS);
		assertThat(sample.completed()).isEqualTo(8);
		assertThat(sample.running()).isZero();
	}

	@Test
	void threadsRecordingAtOnceLoseNothing() throws Exception {
		ServiceTimes times = new ServiceTimes(8);
		ExecutorService threads = Executors.newFixedThreadPool(8);
		CountDownLatch go = new CountDownLatch(1);
		AtomicReference<Throwable> failure = new AtomicReference<>();
		long total = 0;
		for (int t = 0; t < 8; t++) {
			threads.execute(() -> {
				try {
					go.await();
					for (int i = 0; i < 20_000; i++) {
						long start = System.nanoTime();
						times.end(times.begin(start), start, start + 10);
					}
				}
				catch (Throwable ex) {
					failure.compareAndSet(null, ex);
				}
			});
		}
		go.countDown();
		while (!threads.awaitTermination(10, TimeUnit.MILLISECONDS)) {
			total += times.sample(System.nanoTime()).completed();
			threads.shutdown();
		}
		total += times.sample(System.nanoTime()).completed();
		assertThat(failure.get()).isNull();
		assertThat(total).isEqualTo(8 * 20_000);
		assertThat(times.sample(System.nanoTime()).running()).isZero();
	}

}

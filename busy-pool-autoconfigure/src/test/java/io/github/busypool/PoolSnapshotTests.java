package io.github.busypool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.busypool.tomcat.BusyPoolExecutor;

class PoolSnapshotTests {

	@Test
	void countsAreDerivedSoThatTheyAgree() {
		assertThat(PoolSnapshot.of(BusyState.FREE, 3, 8, 8, null))
			.isEqualTo(new PoolSnapshot(BusyState.FREE, 3, 5, 0, 8, null));
		assertThat(PoolSnapshot.of(BusyState.BUSY, 12, 8, 8, null))
			.isEqualTo(new PoolSnapshot(BusyState.BUSY, 8, 0, 4, 8, null));
		assertThat(PoolSnapshot.of(BusyState.FREE, 0, 0, 8, null))
			.isEqualTo(new PoolSnapshot(BusyState.FREE, 0, 0, 0, 8, null));
		assertThat(PoolSnapshot.of(BusyState.BUSY, 12, 8, 8, null).inFlight()).isEqualTo(12);
	}

	@Test
	void anExecutorsSnapshotMatchesItsStateAndCounts() throws Exception {
		BusyPoolExecutor pool = new BusyPoolExecutor(2, 2, Integer.MAX_VALUE, 0);
		pool.start("snapshot-exec-");
		CountDownLatch release = new CountDownLatch(1);
		List<Runnable> tasks = new ArrayList<>();
		try {
			for (int i = 0; i < 5; i++) {
				Runnable task = () -> {
					try {
						release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				};
				tasks.add(task);
				pool.execute(task);
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.busyPool().snapshot().activeThreads() == 2);
			PoolSnapshot busy = pool.busyPool().snapshot();
			assertThat(busy).isEqualTo(new PoolSnapshot(BusyState.BUSY, 2, 0, 3, 2, busy.busySince()));
			assertThat(busy.busySince()).isNotNull();
			release.countDown();
			await().atMost(Duration.ofSeconds(10)).until(() -> pool.busyPool().snapshot().inFlight() == 0);
			assertThat(pool.busyPool().snapshot()).isEqualTo(new PoolSnapshot(BusyState.FREE, 0, 2, 0, 2, null));
		}
		finally {
			release.countDown();
			pool.busyPool().shutdownGracefully(Duration.ofSeconds(10));
		}
	}

}

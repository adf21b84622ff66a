package io.github.busypool.signal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.RecordingListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one signalled pool, over an adapter whose counts the test moves.
 */
class SignalledPoolTests {

	private final CountingAdapter adapter = new CountingAdapter(2);

	private final SignalledPool pool = new SignalledPool(0, this.adapter);

	@AfterEach
	void stop() {
		this.pool.shutdownGracefully(Duration.ofSeconds(5));
	}

	@Test
	void constructingStartsNoThread() {
		assertThat(this.pool.listenerThreadAlive()).isFalse();
		this.pool.start();
		this.pool.start();
		assertThat(this.pool.listenerThreadAlive()).isTrue();
	}

	@Test
	void snapshotsAndTheStateComeFromTheAdaptersCounts() {
		this.adapter.submitted.set(5);
		this.pool.track(BusyState.BUSY);
		PoolSnapshot snapshot = this.pool.snapshot();
		assertThat(this.pool.getState()).isEqualTo(BusyState.BUSY);
		assertThat(snapshot.queued()).isEqualTo(3);
		assertThat(snapshot.maxThreads()).isEqualTo(2);
		assertThat(this.adapter.refreshes.get()).isPositive();
		this.adapter.submitted.set(1);
		this.pool.track(BusyState.FREE);
		assertThat(this.pool.getState()).isEqualTo(BusyState.FREE);
		assertThat(this.pool.getTransitionCount(BusyState.BUSY)).isEqualTo(1);
		assertThat(this.pool.getTransitionCount(BusyState.FREE)).isEqualTo(1);
	}

	@Test
	void anAddedListenerHearsTransitionsAfterBusyPoolsOwnAndClosingRemovesOnlyIt() {
		RecordingListener own = new RecordingListener();
		RecordingListener added = new RecordingListener();
		List<Object> order = new java.util.concurrent.CopyOnWriteArrayList<>();
		this.pool.setListeners(List.<io.github.busypool.BusyStateListener>of(own, (transition) -> order.add("own")));
		BusyPool.Registration registration = this.pool.addListener((transition) -> order.add("added"));
		BusyPool.Registration recording = this.pool.addListener(added);

		flip();
		await().atMost(Duration.ofSeconds(5)).until(() -> added.transitions.size() == 2);
		assertThat(order).containsExactly("own", "added", "own", "added");

		registration.close();
		registration.close();
		recording.close();
		flip();
		await().atMost(Duration.ofSeconds(5)).until(() -> own.transitions.size() == 4);
		assertThat(added.transitions).hasSize(2);
		assertThat(own.firstViolation.get()).isNull();
		assertThat(order).hasSize(6);
	}

	@Test
	void settingBusyPoolsOwnListenersAgainKeepsAddedOnes() {
		RecordingListener added = new RecordingListener();
		this.pool.addListener(added);
		this.pool.setListeners(List.of());
		flip();
		await().atMost(Duration.ofSeconds(5)).until(() -> added.transitions.size() == 2);
	}

	@Test
	void theSameListenerAddedTwiceIsRemovedOnceByEachRegistration() {
		AtomicInteger heard = new AtomicInteger();
		io.github.busypool.BusyStateListener listener = (transition) -> heard.incrementAndGet();
		BusyPool.Registration first = this.pool.addListener(listener);
		this.pool.addListener(listener);
		first.close();
		flip();
		await().atMost(Duration.ofSeconds(5)).until(() -> heard.get() == 2);
	}

	@Test
	void shutdownDrainsStopsTheAdapterAndEndsTheListenerThread() {
		this.pool.start();
		assertThat(this.pool.shutdownGracefully(Duration.ofSeconds(5))).isTrue();
		assertThat(this.pool.getState()).isEqualTo(BusyState.DRAINING);
		assertThat(this.adapter.stopped.get()).isTrue();
		assertThat(this.pool.listenerThreadAlive()).isFalse();
	}

	/** Busy, then free. */
	private void flip() {
		this.adapter.submitted.set(3);
		this.pool.track(BusyState.BUSY);
		this.adapter.submitted.set(0);
		this.pool.track(BusyState.FREE);
	}

	static final class CountingAdapter implements PoolAdapter {

		final AtomicInteger submitted = new AtomicInteger();

		final AtomicInteger refreshes = new AtomicInteger();

		final java.util.concurrent.atomic.AtomicBoolean stopped = new java.util.concurrent.atomic.AtomicBoolean();

		private final int threads;

		CountingAdapter(int threads) {
			this.threads = threads;
		}

		@Override
		public int submitted() {
			return this.submitted.get();
		}

		@Override
		public int threads() {
			return this.threads;
		}

		@Override
		public int maxThreads() {
			return this.threads;
		}

		@Override
		public void refresh() {
			this.refreshes.incrementAndGet();
		}

		@Override
		public int runQueuedNow() {
			return 0;
		}

		@Override
		public boolean stop(Duration timeout) {
			this.stopped.set(true);
			return true;
		}

	}

}

package io.github.busypool.tomcat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How long a shutdown takes with a request that runs longer than the shutdown phase:
 * at most the drain, the phase and 2 s, as the guide promises, on platform and virtual
 * threads. (It took the phase twice, and later the phase plus 5 s, when busy-pool waited
 * for running requests itself.)
 */
class ShutdownTimeIntegrationTests {

	/** {@code spring.lifecycle.timeout-per-shutdown-phase} here. */
	private static final Duration PHASE = Duration.ofSeconds(2);

	/** {@code busy-pool.shutdown.drain-delay} here. */
	private static final Duration DRAIN = Duration.ofMillis(500);

	/** What the guide allows on top of the drain and the phase. */
	private static final Duration MARGIN = Duration.ofSeconds(2);

	private RunningApp app;

	@AfterEach
	void close() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void aLongRequestKeepsTheShutdownWithinTheDrainThePhaseAndTwoSeconds() throws Exception {
		assertShutdownWithinBudget(false, 0);
	}

	@Test
	void requestsQueuedBehindLongOnesKeepTheShutdownWithinTheBudgetAndAreServed() throws Exception {
		assertShutdownWithinBudget(false, 3);
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void withVirtualThreadsALongRequestKeepsTheShutdownWithinTheBudget() throws Exception {
		assertShutdownWithinBudget(true, 3);
	}

	/**
	 * Every thread (or permit) runs a 20 s request, {@code queued} more wait behind them;
	 * a check makes the server watched, so that the drain is taken; then the context
	 * closes, as on SIGTERM.
	 */
	private void assertShutdownWithinBudget(boolean virtual, int queued) throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0",
				"spring.lifecycle.timeout-per-shutdown-phase=" + PHASE.toMillis() + "ms",
				"busy-pool.shutdown.drain-delay=" + DRAIN.toMillis() + "ms",
				"spring.threads.virtual.enabled=" + virtual);
		BusyPool pool = this.app.bean(BusyPool.class);
		int threads = pool.snapshot().maxThreads();
		List<CompletableFuture<HttpResponse<String>>> longOnes = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			longOnes.add(this.app.getAsync(this.app.mainPort(), "/sleep?ms=20000"));
		}
		await().atMost(RunningApp.WAIT).until(() -> pool.snapshot().activeThreads() == threads);
		List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
		for (int i = 0; i < queued; i++) {
			waiting.add(this.app.getAsync(this.app.mainPort(), "/thread"));
		}
		// Every request connected (a queue count alone can be reached early while a thread
		// is replaced), and the extra ones queued.
		await().atMost(RunningApp.WAIT)
			.until(() -> this.app.mainConnections() >= threads + queued && pool.snapshot().queued() == queued);
		// Asked on the check port, which never waits behind requests: watched, so the
		// drain is taken.
		assertThat(this.app.get(this.app.checkPort(), "/busy-pool/check").body()).isIn("free\n", "busy\n");

		long start = System.nanoTime();
		this.app.context.close();
		Duration took = Duration.ofNanos(System.nanoTime() - start);

		System.out.printf("shutdown (%s threads, %d long requests, %d queued): %d ms; budget %d ms%n",
				virtual ? "virtual" : "platform", threads, queued, took.toMillis(),
				DRAIN.plus(PHASE).plus(MARGIN).toMillis());
		assertThat(took).isLessThan(DRAIN.plus(PHASE).plus(MARGIN));
		assertThat(pool.getState()).isEqualTo(BusyState.DRAINING);
		for (CompletableFuture<HttpResponse<String>> response : waiting) {
			// Queued behind the long ones: started at once when the queue was finished.
			assertThat(response.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		for (CompletableFuture<HttpResponse<String>> response : longOnes) {
			// Running past the phase: cut off, as Boot's graceful shutdown does; never
			// left hanging.
			await().atMost(RunningApp.WAIT).until(response::isDone);
		}
	}

}

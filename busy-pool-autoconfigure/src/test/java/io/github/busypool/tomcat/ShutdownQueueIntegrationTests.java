package io.github.busypool.tomcat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.shed.ShedReason;
import io.github.busypool.shed.Shedder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping while Tomcat's queue holds more requests than the pool has threads: every
 * request accepted before the stop is served, at the pool's pace for up to a second,
 * then all at once, also when every thread is held.
 */
class ShutdownQueueIntegrationTests {

	private RunningApp app;

	@AfterEach
	void close() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void queuedRequestsAreServedBeforeTheWebServerStops() throws Exception {
		this.app = new RunningApp("busy-pool.shutdown.drain-delay=200ms");
		BusyPoolExecutor executor = this.app.bean(BusyPoolExecutor.class);
		Shedder shedder = this.app.bean(Shedder.class);
		List<CompletableFuture<HttpResponse<String>>> responses = send(16, "/sleep?ms=400");
		// 4 threads: 4 run, 12 wait in Tomcat's queue.
		await().atMost(RunningApp.WAIT)
			.until(() -> this.app.mainConnections() >= 16 && executor.busyPool().snapshot().queued() == 12);

		this.app.context.close();

		for (CompletableFuture<HttpResponse<String>> response : responses) {
			HttpResponse<String> each = response.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(each.statusCode()).isEqualTo(200);
			assertThat(each.body()).isEqualTo("slept");
		}
		assertThat(shedder.count(ShedReason.SHUTDOWN)).isZero();
	}

	@Test
	void queuedRequestsBehindHeldThreadsStartAtOnceAndAreServed() throws Exception {
		this.app = new RunningApp("spring.lifecycle.timeout-per-shutdown-phase=1s");
		BusyPoolExecutor executor = this.app.bean(BusyPoolExecutor.class);
		// Looked up now: once closing has begun, the context hands out no beans.
		Shedder shedder = this.app.bean(Shedder.class);
		List<CompletableFuture<HttpResponse<String>>> held = send(4, "/hold");
		await().atMost(RunningApp.WAIT).until(() -> executor.getActiveCount() == 4);
		List<CompletableFuture<HttpResponse<String>>> queued = send(6, "/thread");
		await().atMost(RunningApp.WAIT)
			.until(() -> this.app.mainConnections() >= 10 && executor.busyPool().snapshot().queued() == 6);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.app.context::close);

		for (CompletableFuture<HttpResponse<String>> response : queued) {
			// The 4 threads stay held: after a second the queue is finished, and each
			// queued request starts at once on a thread of its own.
			HttpResponse<String> each = response.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(each.statusCode()).isEqualTo(200);
		}
		assertThat(shedder.count(ShedReason.SHUTDOWN)).isZero();
		this.app.release();
		closing.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS);
		for (CompletableFuture<HttpResponse<String>> response : held) {
			// Running past the timeout: released just as the web server stops, so either
			// served or cut off, as Boot's graceful shutdown does; never left hanging.
			await().atMost(RunningApp.WAIT).until(response::isDone);
		}
	}

	private List<CompletableFuture<HttpResponse<String>>> send(int count, String path) {
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			responses.add(this.app.getAsync(this.app.mainPort(), path));
		}
		return responses;
	}

}

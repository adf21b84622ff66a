package io.github.busypool.tomcat;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.check.agent.BusyPoolAgent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shutting down with {@code busy-pool.shutdown.drain-delay}: checks say draining while the
 * web server still serves, and requests in flight complete.
 */
class DrainIntegrationTests {

	private RunningApp app;

	@AfterEach
	void close() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void duringTheDelayChecksSayDrainingAndRequestsInFlightComplete() throws Exception {
		this.app = start("busy-pool.shutdown.drain-delay=3s");
		BusyPoolExecutor executor = this.app.bean(BusyPoolExecutor.class);
		int main = this.app.mainPort();
		int check = this.app.checkPort();
		int agent = this.app.bean(BusyPoolAgent.class).getPort();
		assertThat(agentReply(agent)).startsWith("ready up ");
		CompletableFuture<HttpResponse<String>> inFlight = this.app.getAsync(main, "/hold");
		await().atMost(RunningApp.WAIT).until(() -> executor.getActiveCount() == 1);

		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.app.context::close);
		await().atMost(RunningApp.WAIT).until(() -> executor.busyPool().getState() == BusyState.DRAINING);
		HttpResponse<String> filter = this.app.get(main, "/busy-pool/check");
		assertThat(filter.statusCode()).isEqualTo(503);
		assertThat(filter.body()).isEqualTo("draining\n");
		HttpResponse<String> port = this.app.get(check, "/busy-pool/check");
		assertThat(port.statusCode()).isEqualTo(503);
		assertThat(port.body()).isEqualTo("draining\n");
		assertThat(agentReply(agent)).isEqualTo("drain\n");
		// The web server still serves new requests during the delay.
		assertThat(this.app.get(main, "/thread").statusCode()).isEqualTo(200);
		assertThat(closing).isNotDone();
		assertThat(inFlight).isNotDone();

		this.app.release();
		HttpResponse<String> completed = inFlight.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(completed.statusCode()).isEqualTo(200);
		assertThat(completed.body()).isEqualTo("true");
		closing.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(executor.isTerminated()).isTrue();
	}

	@Test
	void requestHeldPastTheDelayStillCompletesThroughGracefulShutdown() throws Exception {
		this.app = start("busy-pool.shutdown.drain-delay=500ms");
		BusyPoolExecutor executor = this.app.bean(BusyPoolExecutor.class);
		int main = this.app.mainPort();
		CompletableFuture<HttpResponse<String>> inFlight = this.app.getAsync(main, "/hold");
		await().atMost(RunningApp.WAIT).until(() -> executor.getActiveCount() == 1);
		long start = System.nanoTime();
		CompletableFuture<Void> closing = CompletableFuture.runAsync(this.app.context::close);
		await().atMost(RunningApp.WAIT).until(() -> executor.busyPool().getState() == BusyState.DRAINING);
		// Past the delay, graceful shutdown waits for the request.
		await().pollDelay(Duration.ofMillis(1500)).atMost(RunningApp.WAIT).until(() -> !closing.isDone());
		this.app.release();
		assertThat(inFlight.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		closing.get(RunningApp.WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(System.nanoTime() - start).isGreaterThan(Duration.ofMillis(1500).toNanos());
	}

	@Test
	void withoutDelayStartupAndShutdownAreAsBefore() throws Exception {
		this.app = start();
		BusyPoolExecutor executor = this.app.bean(BusyPoolExecutor.class);
		BusyPoolAgent agent = this.app.bean(BusyPoolAgent.class);
		int main = this.app.mainPort();
		assertThat(this.app.get(main, "/busy-pool/check").body()).isEqualTo("free\n");
		assertThat(agentReply(agent.getPort())).startsWith("ready up ");
		// Without busy-pool.agent.address, the agent and the check port bind to server.address.
		assertThat(agent.localAddress().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
		AbstractProtocol<?> check = (AbstractProtocol<?>) this.app.bean(BusyPoolCheckConnector.class)
			.getConnector()
			.getProtocolHandler();
		assertThat(check.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
		this.app.context.close();
		assertThat(executor.busyPool().getState()).isEqualTo(BusyState.DRAINING);
		assertThat(executor.isTerminated()).isTrue();
		assertThat(agent.isRunning()).isFalse();
	}

	private static RunningApp start(String... properties) {
		String[] all = new String[properties.length + 2];
		all[0] = "busy-pool.check.port=0";
		all[1] = "busy-pool.agent.port=0";
		System.arraycopy(properties, 0, all, 2, properties.length);
		return new RunningApp(all);
	}

	private static String agentReply(int port) throws Exception {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(5000);
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
		}
	}

}

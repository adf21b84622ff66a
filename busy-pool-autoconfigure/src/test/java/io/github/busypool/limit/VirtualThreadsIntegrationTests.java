package io.github.busypool.limit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyPools;
import io.github.busypool.HoldController;
import io.github.busypool.LoopbackClient;
import io.github.busypool.BusyState;
import io.github.busypool.check.agent.BusyPoolAgent;
import io.github.busypool.tomcat.BusyPoolCheckConnector;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * busy-pool on Tomcat with virtual threads: Boot's virtual-thread executor stays, and a
 * concurrency limit of {@code server.tomcat.threads.max} permits is the pool.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final LoopbackClient http = new LoopbackClient();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null) {
			this.context.getBean(HoldController.class).release.countDown();
			this.context.close();
		}
	}

	@Test
	void requestsRunOnVirtualThreadsAtMostThreadsMaxAtOnceAndChecksNeverWait() throws Exception {
		int managementPort = LoopbackClient.freePort();
		this.context = new SpringApplicationBuilder(VirtualThreadsApplication.class)
			.properties("spring.threads.virtual.enabled=true", "server.port=0", "server.address=127.0.0.1",
					"server.tomcat.threads.max=4", "busy-pool.check.port=0", "busy-pool.agent.port=0",
					"busy-pool.agent.address=127.0.0.1", "management.endpoint.health.show-details=always",
					// Actuator on the main port waits for a permit like any request.
					"management.server.port=" + managementPort, "management.server.address=127.0.0.1",
					"spring.main.banner-mode=off")
			.run();
		BusyPool pool = this.context.getBean(BusyPool.class);
		assertThat(pool).isSameAs(this.context.getBean(ConcurrencyLimit.class).busyPool());
		assertThat(this.context.getBeansOfType(BusyPoolExecutor.class)).isEmpty();
		TomcatWebServer server = (TomcatWebServer) ((WebServerApplicationContext) this.context).getWebServer();
		AbstractProtocol<?> protocol = (AbstractProtocol<?>) server.getTomcat().getConnector().getProtocolHandler();
		assertThat(protocol.getExecutor().getClass().getSimpleName()).isEqualTo("VirtualThreadExecutor");
		int port = server.getPort();
		int checkPort = this.context.getBean(BusyPoolCheckConnector.class).getPort();
		HoldController holds = this.context.getBean(HoldController.class);

		assertThat(this.http.send(port, "OPTIONS", "/").body()).isEqualTo("free\n");
		assertThat(LoopbackClient.agent(this.context.getBean(BusyPoolAgent.class).getPort())).startsWith("ready up").contains("maxconn:4");

		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			held.add(this.http.sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> holds.running.get() == 4);
		assertThat(pool.getState()).isEqualTo(BusyState.FREE);
		for (int i = 0; i < 2; i++) {
			held.add(this.http.sendAsync(port, "/hold"));
		}
		await().atMost(WAIT).until(() -> pool.snapshot().queued() == 2);
		assertThat(pool.getState()).isEqualTo(BusyState.BUSY);
		assertThat(holds.running).hasValue(4);
		// Checks say busy once it has stood for 100 ms (StandingState).
		await().atMost(WAIT).until(() -> BusyPools.stoodBusy(pool));

		// Every way of asking is answered at once, though the limit is full.
		HttpResponse<String> check = this.http.send(port, "OPTIONS", "/");
		assertThat(check.statusCode()).isEqualTo(503);
		assertThat(check.body()).isEqualTo("busy\n");
		assertThat(this.http.send(checkPort, "GET", "/busy-pool/check").body()).isEqualTo("busy\n");
		assertThat(LoopbackClient.agent(this.context.getBean(BusyPoolAgent.class).getPort())).startsWith("ready up 1%");
		HttpResponse<String> health = this.http.send(managementPort, "GET", "/actuator/health/busyPool");
		assertThat(health.body()).contains("\"status\":\"OUT_OF_SERVICE\"", "\"activeThreads\":4",
				"\"idleThreads\":0", "\"queued\":2", "\"maxThreads\":4");

		holds.release.countDown();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			HttpResponse<String> done = response.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			assertThat(done.statusCode()).isEqualTo(200);
			assertThat(done.body()).isEqualTo("virtual");
		}
		assertThat(holds.mostRunning).hasValue(4);
		await().atMost(WAIT).until(() -> pool.getState() == BusyState.FREE);
		assertThat(pool.getTransitionCount(BusyState.BUSY)).isEqualTo(1);
	}

	@SpringBootApplication
	@Import(HoldController.class)
	static class VirtualThreadsApplication {

	}

}

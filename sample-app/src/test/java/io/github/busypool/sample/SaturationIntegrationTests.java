package io.github.busypool.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.BusyTransition;
import io.github.busypool.autoconfigure.BusyStateChangedEvent;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Saturates the real sample app with slow requests: the pool turns busy, as the health
 * component and the {@code busypool.state} gauge show, then free again, with exactly one
 * transition each way.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "busy-pool.check.port=0", "busy-pool.agent.port=0",
				"server.tomcat.threads.max=4", "server.tomcat.threads.min-spare=4",
				"management.server.port=0", "management.graphite.metrics.export.enabled=false",
				"sample.downstream.embedded.port=0" })
class SaturationIntegrationTests {

	private static final int REQUESTS = 20;

	private static final Duration WAIT = Duration.ofSeconds(30);

	@LocalServerPort
	private int port;

	@LocalManagementPort
	private int managementPort;

	@Autowired
	private BusyPoolExecutor pool;

	@Autowired
	private MeterRegistry registry;

	@Autowired
	private Recorder recorder;

	@Test
	void saturatingThePoolTurnsItBusyThenFreeExactlyOnceEachWay() throws Exception {
		Http app = new Http(this.port);
		Http management = new Http(this.managementPort);
		assertThat(management.get("/actuator/health/busyPool").body()).contains("\"status\":\"UP\"");
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			held.add(app.getAsync("/sleep?ms=1500"));
		}
		await().atMost(WAIT).until(() -> this.registry.get("busypool.state").gauge().value() == 1);
		String busy = management.get("/actuator/health/busyPool").body();
		assertThat(busy).contains("\"status\":\"OUT_OF_SERVICE\"", "\"state\":\"busy\"", "\"maxThreads\":4",
				"\"busySince\"");
		String readiness = management.get("/actuator/health/readiness").body();
		assertThat(readiness).contains("\"status\":\"OUT_OF_SERVICE\"");
		assertThat(this.pool.getActiveCount()).isEqualTo(4);
		assertThat(this.pool.busyPool().snapshot().queued()).isPositive();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> this.registry.get("busypool.state").gauge().value() == 0);
		assertThat(management.get("/actuator/health/busyPool").body()).contains("\"status\":\"UP\"",
				"\"state\":\"free\"");
		assertThat(this.registry.get("busypool.transitions").tag("to", "busy").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("busypool.transitions").tag("to", "free").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("busypool.busy.time").functionCounter().count()).isGreaterThan(1.0);
		assertThat(this.registry.get("busypool.queue.wait").timer().max(TimeUnit.MILLISECONDS))
			.isGreaterThan(1000);
		await().atMost(WAIT).until(() -> this.recorder.events.size() == 2);
		assertThat(this.recorder.transitions).extracting(BusyTransition::to)
			.containsExactly(BusyState.BUSY, BusyState.FREE);
		assertThat(this.recorder.events).extracting((event) -> event.getTransition().to())
			.containsExactly(BusyState.BUSY, BusyState.FREE);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class RecorderConfiguration {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

	}

	static class Recorder implements BusyStateListener {

		final List<BusyTransition> transitions = new CopyOnWriteArrayList<>();

		final List<BusyStateChangedEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onTransition(BusyTransition transition) {
			this.transitions.add(transition);
		}

		@EventListener
		void onEvent(BusyStateChangedEvent event) {
			this.events.add(event);
		}

	}

}

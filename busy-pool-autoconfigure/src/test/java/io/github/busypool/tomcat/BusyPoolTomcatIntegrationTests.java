package io.github.busypool.tomcat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.catalina.Lifecycle;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.github.busypool.BusyState;
import io.github.busypool.BusyStateListener;
import io.github.busypool.LiveThreads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pool installed into a real embedded Tomcat on a free port. Each test starts its own
 * app and shares no state with the others (Tomcat's MBean registry, one per JVM, stays on
 * for every app of this module: see {@code application.properties}). Isolated when tests run
 * in parallel, because one test counts the JVM's {@code busy-pool-events} threads.
 */
@Isolated
class BusyPoolTomcatIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final HttpClient client = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		if (this.context != null && this.context.isActive()) {
			release();
			this.context.close();
		}
	}

	private void release() {
		this.context.getBean(Holds.class).release();
	}

	@Test
	void requestsRunOnTheBusyPoolWithTomcatThreadNames() throws Exception {
		this.context = start();
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		TomcatWebServer webServer = (TomcatWebServer) ((WebServerApplicationContext) this.context).getWebServer();
		AbstractProtocol<?> protocol = (AbstractProtocol<?>) webServer.getTomcat().getConnector().getProtocolHandler();
		assertThat(protocol.getExecutor()).isSameAs(executor);
		String threadName = get("/thread").body();
		// On port 0 Tomcat's own name is decided before the port is: "http-nio-auto-1".
		assertThat(threadName).matches("http-nio-auto-\\d+-exec-\\d+");
		assertThat(executor.getPoolSize()).isEqualTo(2);
		assertThat(executor.getMaximumPoolSize()).isEqualTo(4);
		await().atMost(WAIT).until(() -> executor.getCompletedTaskCount() > 0);
	}

	@Test
	void tomcatThreadMetricsStayCorrect() throws Exception {
		// A port of its own: Tomcat's meters come from MBeans, one set per connector name,
		// and on port 0 that name ("http-nio-auto-1") is shared with any Tomcat this JVM
		// ran before. The gauges are then picked by that name.
		int port;
		try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		this.context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=" + port, "server.tomcat.threads.max=4", "server.tomcat.threads.min-spare=2",
					"server.tomcat.mbeanregistry.enabled=true", "spring.main.banner-mode=off")
			.run();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		String connector = "http-nio-" + port;
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			held.add(getAsync("/hold"));
		}
		await().atMost(WAIT).until(() -> registry.get("tomcat.threads.busy").tag("name", connector).gauge().value() == 3);
		assertThat(registry.get("tomcat.threads.current").tag("name", connector).gauge().value()).isGreaterThanOrEqualTo(3);
		assertThat(registry.get("busypool.threads.active").gauge().value()).isEqualTo(3);
		assertThat(registry.get("busypool.threads.max").gauge().value()).isEqualTo(4);
		assertThat(registry.get("busypool.state").gauge().value()).isZero();
		release();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> registry.get("tomcat.threads.busy").tag("name", connector).gauge().value() == 0);
	}

	@Test
	void closingStopsThePoolAfterTheWebServerAndLeavesNoThread() throws Exception {
		int listenerThreads = LiveThreads.named("busy-pool-events").size();
		this.context = start();
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		String threadName = get("/thread").body();
		String prefix = threadName.substring(0, threadName.lastIndexOf('-') + 1);
		assertThat(LiveThreads.named(prefix)).isNotEmpty();
		this.context.close();
		assertThat(executor.isTerminated()).isTrue();
		assertThat(executor.busyPool().getState()).isEqualTo(BusyState.DRAINING);
		assertThat(LiveThreads.named(prefix)).isEmpty();
		assertThat(LiveThreads.named("busy-pool-events")).hasSize(listenerThreads);
	}

	@Test
	void poolIsStillRunningWhileTheWebServerStops() {
		this.context = start(WebServerStopProbe.class);
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		WebServerStopProbe probe = this.context.getBean(WebServerStopProbe.class);
		this.context.close();
		assertThat(probe.poolShutDownWhenServerStopped).hasValue(Boolean.FALSE);
		assertThat(probe.stateWhenServerStopped).hasValue(BusyState.DRAINING);
		assertThat(executor.isTerminated()).isTrue();
	}

	@Test
	void listenersThatThrowOrBlockDelayNoRequest() throws Exception {
		this.context = start(MisbehavingListeners.class);
		MisbehavingListeners listeners = this.context.getBean(MisbehavingListeners.class);
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		try {
			List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				held.add(getAsync("/hold"));
			}
			await().atMost(WAIT).until(() -> executor.busyPool().getState() == BusyState.BUSY);
			assertThat(listeners.blocked.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
			release();
			for (CompletableFuture<HttpResponse<String>> response : held) {
				assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
			for (int i = 0; i < 20; i++) {
				assertThat(get("/thread").statusCode()).isEqualTo(200);
			}
			await().atMost(WAIT).until(() -> executor.busyPool().getState() == BusyState.FREE);
			// Requests went on while one listener was still stuck on the first transition.
			assertThat(listeners.unblock.getCount()).isEqualTo(1);
			assertThat(listeners.thrown).hasValue(1);
			assertThat(executor.busyPool().getTransitionCount(BusyState.FREE)).isEqualTo(1);
		}
		finally {
			listeners.unblock.countDown();
		}
		await().atMost(WAIT).until(() -> listeners.thrown.get() >= 2);
	}

	private ConfigurableApplicationContext start(Class<?>... extra) {
		List<Class<?>> sources = new ArrayList<>(List.of(TestApplication.class));
		sources.addAll(List.of(extra));
		return new SpringApplicationBuilder(sources.toArray(Class<?>[]::new))
			.properties("server.port=0", "server.tomcat.threads.max=4", "server.tomcat.threads.min-spare=2",
					"server.tomcat.mbeanregistry.enabled=true", "spring.main.banner-mode=off")
			.run();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(request(path), BodyHandlers.ofString());
	}

	private CompletableFuture<HttpResponse<String>> getAsync(String path) {
		return this.client.sendAsync(request(path), BodyHandlers.ofString());
	}

	private HttpRequest request(String path) {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build();
	}


	/**
	 * Records the pool as it is when the main connector has stopped, which is when Boot
	 * stops the web server.
	 */
	@Configuration(proxyBeanMethods = false)
	static class WebServerStopProbe {

		final AtomicReference<Boolean> poolShutDownWhenServerStopped = new AtomicReference<>();

		final AtomicReference<BusyState> stateWhenServerStopped = new AtomicReference<>();

		@Bean
		TomcatConnectorCustomizer stopProbe(ObjectProvider<BusyPoolExecutor> executor) {
			return (connector) -> connector.addLifecycleListener((event) -> {
				if (Lifecycle.AFTER_STOP_EVENT.equals(event.getType())) {
					this.poolShutDownWhenServerStopped.set(executor.getObject().isShutdown());
					this.stateWhenServerStopped.set(executor.getObject().busyPool().getState());
				}
			});
		}

	}

	/**
	 * One listener that throws on every transition, then one that blocks on the first for
	 * up to a minute.
	 */
	@Configuration(proxyBeanMethods = false)
	static class MisbehavingListeners {

		final AtomicInteger thrown = new AtomicInteger();

		final CountDownLatch blocked = new CountDownLatch(1);

		final CountDownLatch unblock = new CountDownLatch(1);

		@Bean
		@Order(1)
		BusyStateListener throwing() {
			return (transition) -> {
				this.thrown.incrementAndGet();
				throw new IllegalStateException("listener failure on " + transition);
			};
		}

		@Bean
		@Order(2)
		BusyStateListener blocking() {
			return (transition) -> {
				this.blocked.countDown();
				try {
					this.unblock.await(60, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			};
		}

	}

	/**
	 * Holds {@code /hold} requests until released. One per application context, so that
	 * tests share nothing and can run in parallel.
	 */
	static final class Holds {

		private final CountDownLatch release = new CountDownLatch(1);

		void release() {
			this.release.countDown();
		}

		boolean await() throws InterruptedException {
			return this.release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		Holds holds() {
			return new Holds();
		}

		@RestController
		static class TestController {

			private final Holds holds;

			TestController(Holds holds) {
				this.holds = holds;
			}

			@GetMapping("/thread")
			String thread() {
				return Thread.currentThread().getName();
			}

			@GetMapping("/sleep")
			String sleep(@RequestParam long ms) throws InterruptedException {
				Thread.sleep(Math.min(ms, WAIT.toMillis()));
				return "slept";
			}

			@GetMapping("/hold")
			String hold() throws InterruptedException {
				return String.valueOf(this.holds.await());
			}

		}

	}

}

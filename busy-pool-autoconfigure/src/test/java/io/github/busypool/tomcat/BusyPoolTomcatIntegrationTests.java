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

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.coyote.AbstractProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.github.busypool.BusyPoolExecutor;
import io.github.busypool.BusyState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The pool installed into a real embedded Tomcat on a free port.
 */
class BusyPoolTomcatIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	static final CountDownLatch release = new CountDownLatch(1);

	private final HttpClient client = HttpClient.newHttpClient();

	private ConfigurableApplicationContext context;

	@AfterEach
	void close() {
		release.countDown();
		if (this.context != null) {
			this.context.close();
		}
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
		this.context = start();
		MeterRegistry registry = this.context.getBean(MeterRegistry.class);
		List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			held.add(getAsync("/hold"));
		}
		await().atMost(WAIT).until(() -> registry.get("tomcat.threads.busy").gauge().value() == 3);
		assertThat(registry.get("tomcat.threads.current").gauge().value()).isGreaterThanOrEqualTo(3);
		assertThat(registry.get("busypool.threads.active").gauge().value()).isEqualTo(3);
		assertThat(registry.get("busypool.threads.max").gauge().value()).isEqualTo(4);
		assertThat(registry.get("busypool.state").gauge().value()).isZero();
		release.countDown();
		for (CompletableFuture<HttpResponse<String>> response : held) {
			assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		}
		await().atMost(WAIT).until(() -> registry.get("tomcat.threads.busy").gauge().value() == 0);
	}

	@Test
	void closingStopsThePoolAfterTheWebServerAndLeavesNoThread() throws Exception {
		this.context = start();
		BusyPoolExecutor executor = this.context.getBean(BusyPoolExecutor.class);
		String threadName = get("/thread").body();
		String prefix = threadName.substring(0, threadName.lastIndexOf('-') + 1);
		assertThat(liveThreadsNamed(prefix)).isNotEmpty();
		this.context.close();
		assertThat(executor.isTerminated()).isTrue();
		assertThat(executor.getState()).isEqualTo(BusyState.DRAINING);
		assertThat(liveThreadsNamed(prefix)).isEmpty();
	}

	private ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(TestApplication.class)
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

	private static List<String> liveThreadsNamed(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(prefix))
			.toList();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@RestController
		static class TestController {

			@GetMapping("/thread")
			String thread() {
				return Thread.currentThread().getName();
			}

			@GetMapping("/hold")
			String hold() throws InterruptedException {
				return String.valueOf(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
			}

		}

	}

}

package io.github.busypool.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app with the starter switched off, as the benchmark's "stock" mode runs it, and
 * calling an external downstream.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "busy-pool.enabled=false", "management.server.port=",
				"management.endpoint.health.group.readiness.include=readinessState",
				"management.graphite.metrics.export.enabled=false", "sample.downstream.embedded.enabled=false" })
class StockModeTests {

	private static final BlockingQueue<String> requestIds = new LinkedBlockingQueue<>();

	private static final HttpServer downstream = startDownstream();

	@LocalServerPort
	private int port;

	@Autowired
	private ApplicationContext context;

	@Autowired
	private HomeController home;

	@DynamicPropertySource
	static void downstreamUrl(DynamicPropertyRegistry registry) {
		registry.add("sample.downstream.url",
				() -> "http://127.0.0.1:" + downstream.getAddress().getPort() + "/quote");
	}

	@AfterAll
	static void stopDownstream() {
		downstream.stop(0);
	}

	@Test
	void startsWithoutThePoolAndTheHomePageAnswersHaproxysDefaultCheck() throws Exception {
		assertThat(this.context.getBeanNamesForType(BusyPoolExecutor.class)).isEmpty();
		long before = this.home.renders();
		String check = new Http(this.port).raw("OPTIONS / HTTP/1.0\r\n\r\n");
		assertThat(check).startsWith("HTTP/1.1 200").contains("<h1>busy-pool sample</h1>", "disabled");
		assertThat(this.home.renders()).isEqualTo(before + 1);
	}

	@Test
	void quotePassesTheRequestIdOn() throws Exception {
		Http http = new Http(this.port);
		HttpResponse<String> response = http.send("GET", "/api/quote", "X-Request-Id", "42");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(requestIds.poll(5, TimeUnit.SECONDS)).isEqualTo("42");
		assertThat(http.get("/api/quote").statusCode()).isEqualTo(200);
		assertThat(requestIds.poll(5, TimeUnit.SECONDS)).isEqualTo("none");
		HttpResponse<String> tooLong = http.send("GET", "/api/quote", "X-Request-Id", "x".repeat(65));
		assertThat(tooLong.statusCode()).isEqualTo(200);
		assertThat(requestIds.poll(5, TimeUnit.SECONDS)).isEqualTo("none");
	}

	private static HttpServer startDownstream() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
			server.createContext("/quote", (exchange) -> {
				String id = exchange.getRequestHeaders().getFirst("X-Request-Id");
				requestIds.add((id != null) ? id : "none");
				byte[] body = "Quote.\n".getBytes();
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

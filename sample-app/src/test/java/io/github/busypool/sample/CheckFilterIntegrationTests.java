package io.github.busypool.sample;

import java.net.http.HttpResponse;
import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The check filter in the real sample app: checks are answered before anything else runs,
 * and everything else is untouched.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "busy-pool.check.port=0", "busy-pool.agent.port=0",
				"management.graphite.metrics.export.enabled=false", "sample.downstream.embedded.port=0",
				"management.server.port=",
				"busy-pool.shutdown.drain-delay=0s" })
class CheckFilterIntegrationTests {

	@LocalServerPort
	private int port;

	@Autowired
	private HomeController home;

	@Autowired
	private MeterRegistry registry;

	private Http http;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
	}

	@Test
	void checksAreAnsweredWithoutInvokingTheHomeController() throws Exception {
		long rendersBefore = this.home.renders();
		for (String method : new String[] { "GET", "OPTIONS" }) {
			HttpResponse<String> response = this.http.send(method, "/busy-pool/check");
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("free\n");
			assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain");
			assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		}
		HttpResponse<String> head = this.http.send("HEAD", "/busy-pool/check");
		assertThat(head.statusCode()).isEqualTo(200);
		assertThat(head.body()).isEmpty();
		String haproxy = this.http.raw("OPTIONS / HTTP/1.0\r\n\r\n");
		assertThat(haproxy).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nfree\n");
		assertThat(this.home.renders()).isEqualTo(rendersBefore);
		HttpResponse<String> page = this.http.get("/");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<html");
		assertThat(this.home.renders()).isEqualTo(rendersBefore + 1);
	}

	@Test
	void checksAreNeverCountedInHttpServerRequests() throws Exception {
		long before = serverRequests();
		for (int i = 0; i < 5; i++) {
			assertThat(this.http.get("/busy-pool/check").statusCode()).isEqualTo(200);
			assertThat(this.http.raw("OPTIONS / HTTP/1.0\r\n\r\n")).startsWith("HTTP/1.1 200");
		}
		assertThat(this.http.get("/sleep?ms=0").statusCode()).isEqualTo(200);
		// The one request that is not a check is counted, and nothing else.
		await().atMost(Duration.ofSeconds(10)).until(() -> serverRequests() == before + 1);
		assertThat(this.registry.find("http.server.requests").tag("uri", "/busy-pool/check").timers()).isEmpty();
		assertThat(this.registry.get("busypool.checks").tag("answer", "free").tag("via", "filter").functionCounter()
			.count()).isGreaterThanOrEqualTo(10);
		assertThat(serverRequests()).isEqualTo(before + 1);
	}

	private long serverRequests() {
		return this.registry.find("http.server.requests").timers().stream().mapToLong(Timer::count).sum();
	}

	@Test
	void corsPreflightToRootIsNotACheck() throws Exception {
		long rendersBefore = this.home.renders();
		HttpResponse<String> response = this.http.send("OPTIONS", "/", "Origin", "https://example.com",
				"Access-Control-Request-Method", "GET");
		// Spring MVC handles the preflight: not our answer, and not the home page.
		assertThat(response.body()).isNotEqualTo("free\n");
		assertThat(response.headers().firstValue("Cache-Control")).isEmpty();
		assertThat(this.home.renders()).isEqualTo(rendersBefore);
	}

	@Test
	void otherRequestsAndMethodsAreUntouched() throws Exception {
		assertThat(this.http.send("POST", "/").statusCode()).isEqualTo(405);
		assertThat(this.http.get("/busy-pool/check/").statusCode()).isEqualTo(404);
		assertThat(this.http.get("/busy-pool/checks").statusCode()).isEqualTo(404);
		HttpResponse<String> options = this.http.send("OPTIONS", "/sleep");
		assertThat(options.statusCode()).isEqualTo(200);
		assertThat(options.headers().firstValue("Allow")).hasValueSatisfying((allow) -> assertThat(allow).contains("GET"));
		assertThat(options.body()).isEmpty();
		HttpResponse<String> post = this.http.send("POST", "/busy-pool/check");
		assertThat(post.statusCode()).isEqualTo(405);
		assertThat(post.body()).isEqualTo("method not allowed\n");
	}

	@Test
	void hostileCheckRequestsGetSmallAnswers() throws Exception {
		String junk = this.http.raw("OPTIONS / HTTP/1.0\r\nX-Haproxy-Server-State: " + "x".repeat(4000) + "\r\n\r\n");
		assertThat(junk).startsWith("HTTP/1.1 200").endsWith("free\n");
		String garbage = this.http.raw("\u0001\u0002 /busy-pool/check HTTP/9.9\r\n\r\n");
		assertThat(garbage).startsWith("HTTP/1.1 400").doesNotContain("Exception");
		String query = this.http.raw("GET /busy-pool/check?%00%ff=%3Cscript%3E HTTP/1.0\r\n\r\n");
		assertThat(query).startsWith("HTTP/1.1 200").endsWith("free\n");
		// Tomcat itself refuses characters that are not allowed in a request line.
		String illegal = this.http.raw("GET /busy-pool/check?<script> HTTP/1.0\r\n\r\n");
		assertThat(illegal).startsWith("HTTP/1.1 400").doesNotContain("Exception");
	}

}

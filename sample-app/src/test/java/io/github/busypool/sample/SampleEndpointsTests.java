package io.github.busypool.sample;

import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.address=127.0.0.1", "busy-pool.check.port=0", "busy-pool.agent.port=0",
				"management.graphite.metrics.export.enabled=false", "sample.downstream.embedded.port=0",
				"sample.downstream.timeout=500ms", "management.server.port=",
				"busy-pool.shutdown.drain-delay=0s" })
class SampleEndpointsTests {

	@LocalServerPort
	private int port;

	@Autowired
	private Downstream downstream;

	private Http http;

	@BeforeEach
	void setUp() {
		this.http = new Http(this.port);
	}

	@AfterEach
	void restoreLatency() {
		this.downstream.setLatencyMs(20);
	}

	@Test
	void sleepHoldsForTheGivenTime() throws Exception {
		HttpResponse<String> response = this.http.get("/sleep?ms=50");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("slept 50 ms\n");
	}

	@Test
	void sleepRefusesNegativeAndJunk() throws Exception {
		assertThat(this.http.get("/sleep?ms=-1").statusCode()).isEqualTo(400);
		assertThat(this.http.get("/sleep?ms=abc").statusCode()).isEqualTo(400);
	}

	@Test
	void quoteCallsTheDownstream() throws Exception {
		HttpResponse<String> response = this.http.get("/api/quote");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).endsWith(".\n");
	}

	@Test
	void quoteTimesOutWhenTheDownstreamIsSlow() throws Exception {
		this.downstream.setLatencyMs(3000);
		HttpResponse<String> response = this.http.get("/api/quote");
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).isEqualTo("downstream did not answer in time\n");
	}

	@Test
	void downstreamLatencyCanBeChangedAtRunTime() throws Exception {
		Http admin = new Http(this.downstream.getPort());
		assertThat(admin.get("/latency?ms=250").body()).isEqualTo("latency 250 ms\n");
		assertThat(this.downstream.getLatencyMs()).isEqualTo(250);
		assertThat(admin.get("/latency?ms=-5").statusCode()).isEqualTo(400);
		assertThat(admin.get("/latency?ms=999999").statusCode()).isEqualTo(400);
		assertThat(admin.get("/latency").body()).isEqualTo("latency 250 ms\n");
	}

}

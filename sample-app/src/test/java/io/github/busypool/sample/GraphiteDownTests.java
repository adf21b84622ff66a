package io.github.busypool.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app when carbon is not there: it serves as usual, logs the problem once and
 * then a reminder now and then (not a stack trace per step), and resumes exporting when
 * carbon comes back, at startup and after carbon is stopped mid-run.
 */
@Tag("e2e")
@ExtendWith(OutputCaptureExtension.class)
class GraphiteDownTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@BeforeAll
	static void carbonInstalled() {
		Carbon.assumeInstalled();
	}

	@Test
	void appServesWhileCarbonIsDownAndExportResumesWhenItIsBack(@TempDir Path directory, CapturedOutput output)
			throws Exception {
		int linePort = Http.freePort();
		String target = "Graphite export to 127.0.0.1:" + linePort;
		try (Carbon carbon = Carbon.configure(directory, linePort);
				ConfigurableApplicationContext app = GraphiteCarbonTests.startApp(
						"--management.graphite.metrics.export.port=" + linePort,
						"--management.metrics.tags.instance=down", "--sample.graphite.failure-reminder=3s")) {
			Http http = new Http(((WebServerApplicationContext) app).getWebServer().getPort());
			String state = GraphiteCarbonTests.APPLICATION + ".down.busypoolState";

			// No carbon at startup: every request is served, one WARN, then a reminder every 3 s.
			await().atMost(WAIT).until(() -> output.toString().contains(target + " failed"));
			int served = serveFor(http, Duration.ofSeconds(7));
			assertThat(served).isPositive();
			assertThat(QuietGraphiteSenderTests.count(output, target + " failed")).isEqualTo(1);
			assertThat(QuietGraphiteSenderTests.count(output, target + " still failing")).isBetween(1, 3);
			assertThat(output.toString()).doesNotContain("Unable to report to Graphite")
				.doesNotContain("at com.codahale.metrics.graphite");

			// Carbon comes up: export resumes, and says so once.
			carbon.start();
			await().atMost(WAIT).until(() -> QuietGraphiteSenderTests.count(output, target + " works again") == 1);
			await().atMost(WAIT).until(() -> carbon.paths().contains(state));

			// Carbon stops mid-run: the app keeps serving, one new WARN.
			carbon.stop();
			await().atMost(WAIT).until(() -> QuietGraphiteSenderTests.count(output, target + " failed") == 2);
			assertThat(serveFor(http, Duration.ofSeconds(2))).isPositive();

			// And comes back: points land again.
			long restarted = Instant.now().getEpochSecond();
			carbon.start();
			await().atMost(WAIT).until(() -> QuietGraphiteSenderTests.count(output, target + " works again") == 2);
			await().atMost(WAIT).until(() -> !carbon.values(state, restarted).isEmpty());
		}
	}

	/** Sends requests one after the other for a while; each must succeed. */
	private static int serveFor(Http http, Duration duration) throws Exception {
		long end = System.nanoTime() + duration.toNanos();
		int served = 0;
		while (System.nanoTime() < end && served < 10_000) {
			assertThat(http.get("/").statusCode()).isEqualTo(200);
			served++;
			Thread.sleep(20);
		}
		return served;
	}

}

package io.github.busypool.tomcat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.github.busypool.check.agent.BusyPoolAgent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One INFO line at startup says what busy-pool installed, with the ports it listens on.
 */
@ExtendWith(OutputCaptureExtension.class)
class StartupSummaryIntegrationTests {

	@Test
	void saysWhatWasInstalledOnceTheWebServerHasStarted(CapturedOutput output) {
		try (RunningApp app = new RunningApp("busy-pool.check.port=0", "busy-pool.agent.port=0",
				"busy-pool.agent.address=127.0.0.1", "busy-pool.queue-tolerance=2")) {
			int agentPort = app.bean(BusyPoolAgent.class).getPort();
			assertThat(output).containsOnlyOnce("busy-pool: 4 threads, busy when waiting requests outnumber idle "
					+ "threads by more than 2; checks answered on /busy-pool/check and OPTIONS /, check port "
					+ app.checkPort() + ", agent port " + agentPort);
		}
	}

}

package io.github.busypool.sample;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import com.codahale.metrics.graphite.GraphiteSender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(OutputCaptureExtension.class)
class QuietGraphiteSenderTests {

	private final AtomicLong now = new AtomicLong(1_000_000);

	private final FakeSender carbon = new FakeSender();

	private final QuietGraphiteSender sender = new QuietGraphiteSender(this.carbon, "carbon:2003",
			Duration.ofMinutes(1), this.now::get);

	@Test
	void oneWarningThenARareReminderThenOneRecoveryLine(CapturedOutput output) {
		this.carbon.down = true;
		for (int step = 0; step < 180; step++) {
			report();
			this.now.addAndGet(1_000);
		}
		assertThat(count(output, "Graphite export to carbon:2003 failed (java.net.ConnectException: refused)"))
			.isEqualTo(1);
		// 180 failed reports over 3 minutes: two reminders, not 180 stack traces.
		assertThat(count(output, "still failing")).isEqualTo(2);
		assertThat(output).contains("121 report(s) lost over 120 s").doesNotContain("\tat ");
		assertThat(this.carbon.points).isEmpty();

		this.carbon.down = false;
		report();
		report();
		assertThat(count(output, "works again, after 180 lost report(s) over 180 s")).isEqualTo(1);
		assertThat(this.carbon.points).containsExactly("a.b 1", "a.b 1");
	}

	@Test
	void failureDuringAReportSkipsTheRestOfIt(CapturedOutput output) {
		this.carbon.failSends = true;
		this.sender.connect();
		this.sender.send("a.b", "1", 0);
		this.sender.send("a.c", "2", 0);
		this.sender.flush();
		this.sender.close();
		assertThat(this.carbon.sendAttempts).isEqualTo(1);
		assertThat(this.carbon.flushes).isZero();
		assertThat(count(output, "failed")).isEqualTo(1);
	}

	private void report() {
		this.sender.connect();
		this.sender.send("a.b", "1", 0);
		this.sender.flush();
		this.sender.close();
	}

	/** How many times a text occurs in the captured output. */
	static int count(CapturedOutput output, String text) {
		String all = output.toString();
		int count = 0;
		for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
			count++;
		}
		return count;
	}

	static final class FakeSender implements GraphiteSender {

		boolean down;

		boolean failSends;

		boolean connected;

		int sendAttempts;

		int flushes;

		final List<String> points = new ArrayList<>();

		@Override
		public void connect() throws IOException {
			if (this.down) {
				throw new ConnectException("refused");
			}
			this.connected = true;
		}

		@Override
		public void send(String name, String value, long timestamp) throws IOException {
			this.sendAttempts++;
			if (this.failSends) {
				throw new IOException("broken pipe");
			}
			this.points.add(name + " " + value);
		}

		@Override
		public void flush() {
			this.flushes++;
		}

		@Override
		public boolean isConnected() {
			return this.connected;
		}

		@Override
		public int getFailures() {
			return 0;
		}

		@Override
		public void close() {
			this.connected = false;
		}

	}

}

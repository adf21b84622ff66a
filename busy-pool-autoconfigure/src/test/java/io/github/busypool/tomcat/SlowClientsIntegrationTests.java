package io.github.busypool.tomcat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow clients on the main port of an idle app: hundreds of connections each send a request
 * one byte at a time. Each byte is a pool task that reads it, so bursts of them fill the
 * four threads for a moment, but no request runs: the check never says {@code busy}.
 */
class SlowClientsIntegrationTests {

	private static final int CONNECTIONS = 300;

	private static final int ROUNDS = 20;

	private static final byte[] REQUEST = ("GET /thread HTTP/1.1\r\nHost: localhost\r\nX-Slow: "
			+ "a".repeat(64)).getBytes(StandardCharsets.US_ASCII);

	private RunningApp app;

	@AfterEach
	void close() {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void dribblingClientsDoNotMakeTheCheckSayBusy() throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0", "server.tomcat.threads.min-spare=4",
				"busy-pool.shutdown.drain-delay=0s");
		BusyPoolExecutor executor = this.app.bean(BusyPoolExecutor.class);
		long busyBefore = executor.busyPool().getTransitionCount(BusyState.BUSY);
		AtomicBoolean dribbling = new AtomicBoolean(true);
		AtomicInteger checks = new AtomicInteger();
		AtomicInteger busyAnswers = new AtomicInteger();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch checkerDone = new CountDownLatch(1);
		Thread checker = new Thread(() -> {
			try {
				while (dribbling.get() && checks.get() < 5_000) {
					HttpResponse<String> response = this.app.get(this.app.checkPort(), "/busy-pool/check");
					checks.incrementAndGet();
					if (response.statusCode() != 200) {
						busyAnswers.incrementAndGet();
					}
				}
			}
			catch (Throwable ex) {
				failure.compareAndSet(null, ex);
			}
			finally {
				checkerDone.countDown();
			}
		});
		List<Socket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < CONNECTIONS; i++) {
				Socket socket = new Socket();
				socket.connect(new InetSocketAddress("127.0.0.1", this.app.mainPort()), 5_000);
				sockets.add(socket);
			}
			checker.start();
			for (int round = 0; round < ROUNDS; round++) {
				for (Socket socket : sockets) {
					send(socket, REQUEST[round]);
				}
				Thread.sleep(50);
			}
		}
		finally {
			dribbling.set(false);
			assertThat(checkerDone.await(30, TimeUnit.SECONDS)).isTrue();
			for (Socket socket : sockets) {
				socket.close();
			}
		}
		assertThat(failure.get()).isNull();
		assertThat(executor.busyPool().getTransitionCount(BusyState.BUSY) - busyBefore)
			.as("the bursts of reads did fill the pool for a moment (else this test shows nothing)")
			.isPositive();
		assertThat(checks.get()).isGreaterThan(10);
		assertThat(busyAnswers.get()).as("checks answered busy, of %d", checks.get()).isZero();
	}

	private static void send(Socket socket, byte b) {
		try {
			OutputStream out = socket.getOutputStream();
			out.write(b);
			out.flush();
		}
		catch (IOException ex) {
			// Closed by the server (a timeout): nothing more to send on it.
		}
	}

}

package io.github.busypool.tomcat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.check.haproxy.HaproxyView;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The check port against clients that are slow, idle, or send what a check never does.
 */
class CheckPortHardeningIntegrationTests {

	/** How long a probe may take, like HAProxy's {@code timeout check}. */
	private static final int PROBE_TIMEOUT_MILLIS = 1_000;

	private static final String CHECK = "GET /busy-pool/check HTTP/1.1\r\nHost: lb\r\n\r\n";

	private RunningApp app;

	private final List<Socket> sockets = new ArrayList<>();

	@AfterEach
	void close() {
		for (Socket socket : this.sockets) {
			closeQuietly(socket);
		}
		if (this.app != null) {
			this.app.close();
		}
	}

	@Test
	void probesAreAnsweredWhileAThousandSlowAndIdleClientsAreConnected() throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0", "server.tomcat.threads.min-spare=2");
		int port = this.app.checkPort();
		List<Socket> slow = new ArrayList<>();
		List<Socket> keepAlive = new ArrayList<>();
		// 800 clients that send their headers a line at a time, never finishing...
		for (int i = 0; i < 800; i++) {
			Socket socket = connect(port);
			socket.getOutputStream().write("GET /busy-pool/check HTTP/1.1\r\nHost: lb\r\n".getBytes(StandardCharsets.US_ASCII));
			slow.add(socket);
		}
		// ...and 200 that check on one keep-alive connection, over and over.
		for (int i = 0; i < 200; i++) {
			Socket socket = connect(port);
			assertThat(exchange(socket, CHECK)).startsWith("HTTP/1.1 200");
			keepAlive.add(socket);
		}
		long[] probeMicros = new long[100];
		int answered = 0;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		for (int i = 0; i < probeMicros.length && System.nanoTime() < deadline; i++) {
			// Keep every client alive: a header line from the slow ones, a check from the others.
			if (i % 10 == 0) {
				byte[] line = ("X-Drip-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII);
				for (Socket socket : slow) {
					socket.getOutputStream().write(line);
				}
				for (Socket socket : keepAlive.subList((i / 10) % 2 * 100, (i / 10) % 2 * 100 + 100)) {
					assertThat(exchange(socket, CHECK)).startsWith("HTTP/1.1 200");
				}
			}
			long start = System.nanoTime();
			try (Socket probe = connect(port)) {
				String answer = exchange(probe, "GET /busy-pool/check HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n");
				assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nfree\n");
				answered++;
			}
			probeMicros[i] = (System.nanoTime() - start) / 1_000;
			Thread.sleep(20);
		}
		assertThat(answered).isEqualTo(probeMicros.length);
		// Every slow client is still connected: none was dropped to make room.
		for (Socket socket : slow) {
			socket.getOutputStream().write("X-Still: 1\r\n".getBytes(StandardCharsets.US_ASCII));
		}
		long[] sorted = probeMicros.clone();
		Arrays.sort(sorted);
		System.out.printf("check port, 800 slow + 200 keep-alive clients: probe p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
				sorted[49] / 1000.0, sorted[98] / 1000.0, sorted[99] / 1000.0);
	}

	@Test
	void traceAndMalformedRequestsGetASmallAnswerAndNeverReachTheApplication() throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0", "server.tomcat.threads.min-spare=2");
		int port = this.app.checkPort();
		assertSmallAnswer(port, "TRACE /busy-pool/check HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n", 405,
				"method not allowed\n");
		assertSmallAnswer(port, "TRACE /thread HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n", 405,
				"method not allowed\n");
		assertSmallAnswer(port, "GET /%2e%2e/thread HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n", 400, null);
		assertSmallAnswer(port, "GET /thread%00 HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n", 400, null);
		assertSmallAnswer(port, "GET /busy-pool/check HTTP/1.1\r\nHost: lb\r\nX-Big: " + "a".repeat(5_000)
				+ "\r\nConnection: close\r\n\r\n", 400, null);
		assertSmallAnswer(port, "GARBAGE\r\n\r\n", 400, null);
		// Tomcat answers OPTIONS * itself, before any filter: never a check (see the README).
		String star = exchangeAll(port, "OPTIONS * HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n");
		assertThat(star).startsWith("HTTP/1.1 200").contains("Allow: ").doesNotContain("free");
		// The check still works, on the same port.
		assertThat(exchangeAll(port, "GET /busy-pool/check HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n"))
			.startsWith("HTTP/1.1 200")
			.endsWith("free\n");
		// On the main port, errors still go to the application's error handling.
		String mainTrace = exchangeAll(this.app.mainPort(),
				"TRACE /thread HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n");
		assertThat(mainTrace).startsWith("HTTP/1.1 405").contains("\"status\":405");
	}

	@Test
	void onlyTrustedReportersAreRecorded() throws Exception {
		this.app = new RunningApp("busy-pool.check.port=0", "server.tomcat.threads.min-spare=2",
				"busy-pool.check.server-state.check-port-only=true",
				"busy-pool.check.server-state.trusted-addresses=127.0.0.0/8");
		String state = "X-Haproxy-Server-State: UP 3/3; name=app/app1; node=%s; weight=1/1; scur=0/1; qcur=0\r\n";
		exchangeAll(this.app.mainPort(), "GET /busy-pool/check HTTP/1.1\r\nHost: lb\r\n" + state.formatted("forged")
				+ "Connection: close\r\n\r\n");
		exchangeAll(this.app.checkPort(), "GET /busy-pool/check HTTP/1.1\r\nHost: lb\r\n" + state.formatted("lb1")
				+ "Connection: close\r\n\r\n");
		assertThat(this.app.bean(HaproxyView.class).nodes()).extracting(HaproxyView.Node::name).containsExactly("lb1");
		MeterRegistry registry = this.app.bean(MeterRegistry.class);
		// Gauges are registered in order, off the check thread: once lb1's is there, a
		// forged one would be too.
		await().atMost(RunningApp.WAIT)
			.until(() -> registry.find("busypool.haproxy.up").tag("node", "lb1").gauge() != null);
		assertThat(registry.find("busypool.haproxy.up").tag("node", "forged").gauge()).isNull();
	}

	private static void assertSmallAnswer(int port, String request, int status, String body) throws IOException {
		String answer = exchangeAll(port, request);
		assertThat(answer).as(request).startsWith("HTTP/1.1 " + status);
		// Nothing of the application or its error page: no JSON, no stack trace. What Tomcat
		// refuses before any filter gets its own short page (ErrorReportValve).
		assertThat(answer).as(request).doesNotContain("\"status\"").doesNotContain("Exception").doesNotContain("exec-");
		assertThat(answer.length()).as(request).isLessThan(1_000);
		if (body != null) {
			assertThat(answer).as(request).endsWith("\r\n\r\n" + body);
		}
	}

	private Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), PROBE_TIMEOUT_MILLIS);
		socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
		this.sockets.add(socket);
		return socket;
	}

	/** Sends a request on a kept-alive connection and reads one small response. */
	private static String exchange(Socket socket, String request) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(request.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream in = socket.getInputStream();
		StringBuilder response = new StringBuilder();
		int contentLength = -1;
		while (true) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			response.append((char) b);
			int headerEnd = response.indexOf("\r\n\r\n");
			if (headerEnd >= 0) {
				if (contentLength < 0) {
					String headers = response.substring(0, headerEnd).toLowerCase();
					int at = headers.indexOf("content-length: ");
					contentLength = (at < 0) ? 0
							: Integer.parseInt(headers.substring(at + 16, headers.indexOf("\r\n", at + 16)).trim());
				}
				if (response.length() >= headerEnd + 4 + contentLength) {
					break;
				}
			}
		}
		return response.toString();
	}

	/** Sends a request and reads until the server closes. */
	private static String exchangeAll(int port, String request) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), PROBE_TIMEOUT_MILLIS);
			socket.setSoTimeout(5_000);
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			try {
				return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
			}
			catch (SocketTimeoutException ex) {
				throw new AssertionError("no answer to " + request, ex);
			}
		}
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// Done with it.
		}
	}

}

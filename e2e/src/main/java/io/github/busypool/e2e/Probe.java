package io.github.busypool.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * One check, made the way HAProxy makes it: a new connection, one request (or, for the agent,
 * nothing), read until the server closes.
 */
final class Probe {

	/** The answer of one probe: how long it took, and the first line (or "timeout"). */
	record Answer(long nanos, String firstLine) {

		boolean timedOut() {
			return "timeout".equals(this.firstLine);
		}

	}

	private Probe() {
	}

	/** An HTTP/1.0 request; {@code request} is the request line, e.g. {@code OPTIONS / HTTP/1.0}. */
	static Answer http(int port, String request, int timeoutMs) {
		return exchange(port, (request + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
				timeoutMs);
	}

	/** An agent check: connect, send nothing, read the line. */
	static Answer agent(int port, int timeoutMs) {
		return exchange(port, new byte[0], timeoutMs);
	}

	private static Answer exchange(int port, byte[] request, int timeoutMs) {
		long start = System.nanoTime();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
			socket.setSoTimeout(timeoutMs);
			socket.getOutputStream().write(request);
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			StringBuilder head = new StringBuilder();
			int n;
			while ((n = in.read(buffer)) >= 0) {
				if (head.length() < 200) {
					head.append(new String(buffer, 0, Math.min(n, 200), StandardCharsets.ISO_8859_1));
				}
			}
			String text = head.toString();
			int eol = text.indexOf('\n');
			return new Answer(System.nanoTime() - start, ((eol >= 0) ? text.substring(0, eol) : text).strip());
		}
		catch (SocketTimeoutException ex) {
			return new Answer(System.nanoTime() - start, "timeout");
		}
		catch (IOException ex) {
			return new Answer(System.nanoTime() - start, "error: " + ex.getMessage());
		}
	}

}

package io.github.busypool.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A small HTTP client for tests against loopback.
 */
final class Http {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

	private final int port;

	Http(int port) {
		this.port = port;
	}

	HttpResponse<String> send(String method, String path, String... headers) throws Exception {
		return this.client.send(request(method, path, headers), BodyHandlers.ofString());
	}

	HttpResponse<String> get(String path) throws Exception {
		return send("GET", path);
	}

	CompletableFuture<HttpResponse<String>> getAsync(String path) {
		return this.client.sendAsync(request("GET", path), BodyHandlers.ofString());
	}

	private HttpRequest request(String method, String path, String... headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(TIMEOUT)
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (headers.length > 0) {
			builder.headers(headers);
		}
		return builder.build();
	}

	/**
	 * Sends a request as written, over a plain socket, and returns the whole answer. For
	 * requests the way HAProxy sends them ({@code OPTIONS / HTTP/1.0}).
	 */
	String raw(String request) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
			socket.setSoTimeout((int) TIMEOUT.toMillis());
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
		}
	}

}

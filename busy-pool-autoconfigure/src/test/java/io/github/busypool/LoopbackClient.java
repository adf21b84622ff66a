package io.github.busypool;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * HTTP and agent requests to an application on 127.0.0.1, for the integration tests.
 */
public final class LoopbackClient {

	/** How long a test waits for anything. */
	public static final Duration WAIT = Duration.ofSeconds(20);

	private final HttpClient client = HttpClient.newHttpClient();

	/**
	 * Sends a request with no body and waits for the answer.
	 * @param port the port
	 * @param method the method
	 * @param path the path
	 * @return the response
	 * @throws Exception if it could not be sent
	 */
	public HttpResponse<String> send(int port, String method, String path) throws Exception {
		return this.client.send(request(port, method, path), BodyHandlers.ofString());
	}

	/**
	 * Sends a {@code GET} without waiting.
	 * @param port the port
	 * @param path the path
	 * @return the response, to come
	 */
	public CompletableFuture<HttpResponse<String>> sendAsync(int port, String path) {
		return this.client.sendAsync(request(port, "GET", path), BodyHandlers.ofString());
	}

	private static HttpRequest request(int port, String method, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(WAIT)
			.build();
	}

	/**
	 * Connects to the HAProxy agent and reads its one-line reply.
	 * @param port the agent's port
	 * @return the reply, trimmed
	 * @throws Exception if it could not be read
	 */
	public static String agent(int port) throws Exception {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			socket.setSoTimeout(2000);
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
		}
	}

	/**
	 * Returns a port of 127.0.0.1 that was free a moment ago.
	 * @return the port
	 * @throws Exception if none could be found
	 */
	public static int freePort() throws Exception {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
			return socket.getLocalPort();
		}
	}

}

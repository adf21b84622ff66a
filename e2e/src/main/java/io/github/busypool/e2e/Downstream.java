package io.github.busypool.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The downstream service of one backend, in the bench's own JVM: {@code GET /quote} answers
 * after a latency the bench changes at will. It knows how many calls its backend is running
 * right now (each holds one of the backend's worker threads), and when it first saw each
 * client request, by the {@code X-Request-Id} the sample app passes on.
 */
final class Downstream implements AutoCloseable {

	private static final byte[] QUOTE = "Queue at the edge, not in the middle.\n".getBytes(StandardCharsets.UTF_8);

	private final HttpServer server;

	private final ExecutorService executor;

	private final AtomicLong latencyMs;

	private final AtomicInteger running = new AtomicInteger();

	/** The latency it started with: calls made while it is slower meet a slow downstream. */
	final long normalMs;

	private final AtomicInteger slowCalls = new AtomicInteger();

	/** How many calls came with each {@code X-Request-Id}. */
	private final Map<Integer, Integer> calls = new ConcurrentHashMap<>();

	private final Map<Integer, Long> arrivals = new ConcurrentHashMap<>();

	private Downstream(long latencyMs) throws IOException {
		this.latencyMs = new AtomicLong(latencyMs);
		this.normalMs = latencyMs;
		this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
		AtomicInteger threads = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "downstream-" + this.server.getAddress().getPort() + "-"
					+ threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/quote", this::quote);
		this.server.start();
	}

	static Downstream start(long latencyMs) throws IOException {
		return new Downstream(latencyMs);
	}

	private void quote(HttpExchange exchange) throws IOException {
		this.running.incrementAndGet();
		try (exchange) {
			Integer id = parseId(exchange.getRequestHeaders().getFirst("X-Request-Id"));
			if (id != null) {
				this.arrivals.putIfAbsent(id, System.nanoTime());
				this.calls.merge(id, 1, Integer::sum);
			}
			long delay = this.latencyMs.get();
			if (delay > this.normalMs) {
				this.slowCalls.incrementAndGet();
			}
			if (delay > 0) {
				Thread.sleep(delay);
			}
			exchange.sendResponseHeaders(200, QUOTE.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(QUOTE);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.running.decrementAndGet();
		}
	}

	static Integer parseId(String header) {
		if (header == null || header.isEmpty() || header.length() > 9) {
			return null;
		}
		for (int i = 0; i < header.length(); i++) {
			if (header.charAt(i) < '0' || header.charAt(i) > '9') {
				return null;
			}
		}
		return Integer.valueOf(header);
	}

	String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/quote";
	}

	void setLatencyMs(long ms) {
		this.latencyMs.set(ms);
	}

	/** Calls running right now: worker threads of the backend that wait on this downstream. */
	int running() {
		return this.running.get();
	}

	/** When ({@link System#nanoTime()}) the backend started running each client request. */
	Map<Integer, Long> arrivals() {
		return this.arrivals;
	}

	/** Calls that arrived while it answered slower than it started with. */
	/** How many calls came with this {@code X-Request-Id}. */
	int calls(int id) {
		return this.calls.getOrDefault(id, 0);
	}

	int slowCalls() {
		return this.slowCalls.get();
	}

	void forgetArrivals() {
		this.arrivals.clear();
		this.calls.clear();
		this.slowCalls.set(0);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

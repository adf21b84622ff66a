package io.github.busypool.sample;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.SmartLifecycle;

/**
 * A stand-in for a downstream service: {@code GET /quote} answers after a delay that
 * {@code /latency?ms=N} changes at run time. It runs on the JDK's HTTP server with
 * threads of its own, outside Tomcat's pool, so slowing it is a network blip as the app
 * sees one.
 */
public class Downstream implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(Downstream.class);

	private static final long MAX_LATENCY_MS = 60_000;

	private static final List<String> QUOTES = List.of("Queue at the edge, not in the middle.",
			"A health check that waits is a health check that lies.", "Fail fast, recover faster.",
			"The load balancer can only act on what it is told.");

	private final String address;

	private final int port;

	private final AtomicLong latencyMs;

	private final AtomicLong served = new AtomicLong();

	private final AtomicLong threads = new AtomicLong();

	private HttpServer server;

	private ExecutorService executor;

	public Downstream(String address, int port, long latencyMs) {
		this.address = address;
		this.port = port;
		this.latencyMs = new AtomicLong(latencyMs);
	}

	@Override
	public synchronized void start() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(this.address, this.port), 100);
		}
		catch (IOException ex) {
			throw new DownstreamPortException(this.address, this.port, ex);
		}
		this.executor = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "downstream-" + this.threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		this.server.setExecutor(this.executor);
		this.server.createContext("/quote", this::quote);
		this.server.createContext("/latency", this::latency);
		this.server.start();
		logger.info("Stand-in downstream on http://" + this.address + ":" + getPort() + "/quote, latency "
				+ this.latencyMs.get() + " ms (change it: curl '" + latencyUrl() + "?ms=3000')");
	}

	private void quote(HttpExchange exchange) throws IOException {
		try (exchange) {
			long delay = this.latencyMs.get();
			if (delay > 0) {
				try {
					Thread.sleep(delay);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
			long n = this.served.incrementAndGet();
			respond(exchange, 200, QUOTES.get((int) (n % QUOTES.size())) + "\n");
		}
	}

	private void latency(HttpExchange exchange) throws IOException {
		try (exchange) {
			String query = exchange.getRequestURI().getRawQuery();
			if (query != null) {
				Long ms = parseMs(query);
				if (ms == null) {
					respond(exchange, 400, "expected ms=N with 0 <= N <= " + MAX_LATENCY_MS + "\n");
					return;
				}
				this.latencyMs.set(ms);
				logger.info("Stand-in downstream latency is now " + ms + " ms");
			}
			respond(exchange, 200, "latency " + this.latencyMs.get() + " ms\n");
		}
	}

	private static Long parseMs(String query) {
		for (String pair : query.split("&")) {
			if (pair.startsWith("ms=")) {
				try {
					long ms = Long.parseLong(pair.substring(3));
					return (ms >= 0 && ms <= MAX_LATENCY_MS) ? ms : null;
				}
				catch (NumberFormatException ex) {
					return null;
				}
			}
		}
		return null;
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
		exchange.sendResponseHeaders(status, bytes.length);
		try (OutputStream out = exchange.getResponseBody()) {
			out.write(bytes);
		}
	}

	@Override
	public synchronized void stop() {
		if (this.server != null) {
			this.server.stop(0);
			this.executor.shutdownNow();
			try {
				this.executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.server = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.server != null;
	}

	@Override
	public int getPhase() {
		// Start before, and stop after, the web server that calls it.
		return Integer.MIN_VALUE + 1000;
	}

	public synchronized int getPort() {
		return (this.server != null) ? this.server.getAddress().getPort() : this.port;
	}

	public String quoteUrl() {
		return "http://" + this.address + ":" + getPort() + "/quote";
	}

	public String latencyUrl() {
		return "http://" + this.address + ":" + getPort() + "/latency";
	}

	public void setLatencyMs(long ms) {
		this.latencyMs.set(ms);
	}

	public long getLatencyMs() {
		return this.latencyMs.get();
	}

}

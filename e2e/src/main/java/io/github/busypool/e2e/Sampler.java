package io.github.busypool.e2e;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Every 100 ms, what HAProxy says (stats socket) and what the backends do: calls each one is
 * running (from its downstream), requests waiting in its Tomcat, and, every 500 ms, the
 * backends' own {@code busypool.queue.size} and {@code busypool.state} where the starter is on.
 */
final class Sampler implements AutoCloseable {

	static final long PERIOD_MS = 100;

	private static final int METRICS_EVERY = 5;

	/**
	 * One server at one instant.
	 * @param status HAProxy's status column (UP, DOWN, DRAIN, "UP 1/3"...)
	 * @param weight effective weight
	 * @param sessions requests HAProxy has open on the server ({@code scur})
	 * @param running calls the backend is running (worker threads busy on the downstream)
	 * @param served requests HAProxy has sent it so far ({@code stot})
	 * @param poolQueue the backend's {@code busypool.queue.size}, NaN where not read
	 * @param poolState the backend's {@code busypool.state}, NaN where not read
	 * @param checkMillis how long HAProxy's last check of the server took
	 */
	record Server(String status, int weight, int sessions, int running, long served, double poolQueue,
			double poolState, int checkMillis) {

		/** Requests inside Tomcat that no worker thread runs yet: Tomcat's queue, for every mode. */
		int tomcatQueue() {
			return Math.max(0, this.sessions - this.running);
		}

	}

	record Sample(long millis, int haproxyQueue, List<Server> servers) {
	}

	private final List<Haproxy> balancers;

	private final List<Backend> backends;

	private final long originNanos;

	private final List<Sample> samples = new ArrayList<>();

	private final Thread thread;

	private volatile boolean running = true;

	/**
	 * With several HAProxy instances, queues, sessions and requests are summed, the weight is
	 * the lowest, the status the first that is not UP, and the check time the longest.
	 */
	Sampler(List<Haproxy> balancers, List<Backend> backends, long originNanos) {
		this.balancers = List.copyOf(balancers);
		this.backends = backends;
		this.originNanos = originNanos;
		this.thread = new Thread(this::run, "sampler");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	private void run() {
		double[] poolQueue = new double[this.backends.size()];
		double[] poolState = new double[this.backends.size()];
		long next = System.nanoTime();
		for (long n = 0; this.running; n++) {
			if (n % METRICS_EVERY == 0) {
				for (int i = 0; i < this.backends.size(); i++) {
					OptionalDouble queue = this.backends.get(i).metric("busypool.queue.size");
					poolQueue[i] = queue.orElse(Double.NaN);
					poolState[i] = queue.isPresent() ? this.backends.get(i).metric("busypool.state").orElse(Double.NaN)
							: Double.NaN;
				}
			}
			try {
				sample(poolQueue, poolState);
			}
			catch (IOException ex) {
				// HAProxy restarting or gone: skip this instant.
			}
			next += PERIOD_MS * 1_000_000;
			long wait = next - System.nanoTime();
			if (wait > 0) {
				try {
					Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}
	}

	private void sample(double[] poolQueue, double[] poolState) throws IOException {
		int queue = 0;
		List<Server> servers = new ArrayList<>();
		for (int i = 0; i < this.backends.size(); i++) {
			servers.add(null);
		}
		for (Haproxy haproxy : this.balancers) {
			List<Map<String, String>> stats = haproxy.stats();
			if (stats.isEmpty()) {
				return;
			}
			for (Map<String, String> row : stats) {
				if (!Haproxy.BACKEND.equals(row.get("pxname"))) {
					continue;
				}
				String name = row.get("svname");
				if ("BACKEND".equals(name)) {
					queue += integer(row.get("qcur"));
				}
				else if (name.startsWith("app")) {
					int i = Integer.parseInt(name.substring(3)) - 1;
					Server seen = new Server(row.get("status"), integer(row.get("weight")), integer(row.get("scur")),
							this.backends.get(i).downstream.running(), Long.parseLong(row.get("stot")), poolQueue[i],
							poolState[i], integer(row.get("check_duration")));
					servers.set(i, (servers.get(i) == null) ? seen : combine(servers.get(i), seen));
				}
			}
		}
		Sample sample = new Sample((System.nanoTime() - this.originNanos) / 1_000_000, queue,
				Collections.unmodifiableList(servers));
		synchronized (this.samples) {
			this.samples.add(sample);
		}
	}

	private static Server combine(Server a, Server b) {
		return new Server(a.status().startsWith("UP") ? b.status() : a.status(), Math.min(a.weight(), b.weight()),
				a.sessions() + b.sessions(), a.running(), a.served() + b.served(), a.poolQueue(), a.poolState(),
				Math.max(a.checkMillis(), b.checkMillis()));
	}

	private static int integer(String value) {
		return (value == null || value.isEmpty()) ? 0 : Integer.parseInt(value);
	}

	List<Sample> samples() {
		synchronized (this.samples) {
			return List.copyOf(this.samples);
		}
	}

	/** Writes the series as CSV: one line per sample, a group of columns per backend. */
	static void writeCsv(List<Sample> samples, int backends, Path file) throws IOException {
		Files.createDirectories(file.getParent());
		try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
			StringBuilder header = new StringBuilder("t_s,haproxy_queue");
			for (int i = 1; i <= backends; i++) {
				header.append(String.format(",app%1$d_status,app%1$d_weight,app%1$d_sessions,app%1$d_running,"
						+ "app%1$d_tomcat_queue,app%1$d_pool_queue,app%1$d_pool_state,app%1$d_served,app%1$d_check_ms", i));
			}
			out.println(header);
			for (Sample sample : samples) {
				StringBuilder line = new StringBuilder();
				line.append(sample.millis() / 1000.0).append(',').append(sample.haproxyQueue());
				for (Server server : sample.servers()) {
					if (server == null) {
						line.append(",,,,,,,,,");
						continue;
					}
					line.append(',').append(server.status().replace(' ', '_')).append(',').append(server.weight())
						.append(',').append(server.sessions()).append(',').append(server.running()).append(',')
						.append(server.tomcatQueue()).append(',').append(number(server.poolQueue())).append(',')
						.append(number(server.poolState())).append(',').append(server.served()).append(',')
						.append(server.checkMillis());
				}
				out.println(line);
			}
		}
	}

	private static String number(double value) {
		return Double.isNaN(value) ? "" : Long.toString(Math.round(value));
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		this.thread.interrupt();
		this.thread.join(5000);
	}

}

package io.github.busypool.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-model load: request {@code i} is due at {@code start + i / rate}, whether or not
 * earlier requests have been answered, and its latency is counted from when it was due, not
 * from when it was sent. A server that stalls therefore cannot slow the load down and hide
 * its own stall (coordinated omission). Each client gives up after {@code timeout}.
 */
final class Load {

	static {
		// Below HAProxy's "timeout client 30s", so that the client never reuses a connection
		// HAProxy is closing.
		System.setProperty("jdk.httpclient.keepalive.timeout", "10");
	}

	/** Outcome of a request that got no answer before the client's timeout. */
	static final int TIMEOUT = 0;

	/** Outcome of a request that failed without an answer (connection refused or reset). */
	static final int ERROR = -1;

	/** Outcome of a request never sent, because the load was stopped early. */
	static final int NOT_SENT = -2;

	final int count;

	final long periodNanos;

	final Duration timeout;

	/** When each request was due, in nanoseconds from {@link #startNanos}. */
	final long[] due;

	/** How long each request took from when it was due to its answer (or to giving up). */
	final long[] latency;

	/** The HTTP status of each request, or {@link #TIMEOUT} or {@link #ERROR}. */
	final int[] status;

	private final List<URI> targets;

	private final CountDownLatch done;

	private final ExecutorService callbacks = Executors.newFixedThreadPool(2, (task) -> {
		Thread thread = new Thread(task, "load-callbacks");
		thread.setDaemon(true);
		return thread;
	});

	private final HttpClient client;

	private volatile long startNanos;

	private volatile long maxLagNanos;

	private volatile Thread scheduler;

	private volatile boolean stopped;

	private volatile boolean deadlineHeader;

	Load(URI target, double rate, Duration duration, Duration timeout) {
		this(List.of(target), rate, duration, timeout);
	}

	/** Request {@code i} goes to {@code targets[i % n]}: the load split evenly over them. */
	Load(List<URI> targets, double rate, Duration duration, Duration timeout) {
		if (rate <= 0 || rate > 5000 || duration.isNegative() || duration.toSeconds() > 3600) {
			throw new IllegalArgumentException("rate must be in (0, 5000] and duration at most 1 h");
		}
		this.targets = List.copyOf(targets);
		this.count = (int) Math.round(rate * duration.toNanos() / 1e9);
		this.periodNanos = (long) (1e9 / rate);
		this.timeout = timeout;
		this.due = new long[this.count];
		this.latency = new long[this.count];
		this.status = new int[this.count];
		this.done = new CountDownLatch(this.count);
		this.client = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(2))
			.executor(this.callbacks)
			.build();
	}

	/**
	 * Makes every request carry its client's deadline, as Envoy sends it
	 * ({@code x-envoy-expected-rq-timeout-ms}: the timeout in milliseconds).
	 * @return this load
	 */
	Load withDeadlineHeader() {
		this.deadlineHeader = true;
		return this;
	}

	/** Starts sending, now; returns {@link System#nanoTime()} of the start. */
	long start() {
		this.startNanos = System.nanoTime();
		this.scheduler = new Thread(this::send, "load-scheduler");
		this.scheduler.setDaemon(true);
		this.scheduler.start();
		return this.startNanos;
	}

	private void send() {
		for (int i = 0; i < this.count; i++) {
			long due = this.startNanos + i * this.periodNanos;
			long wait;
			while ((wait = due - System.nanoTime()) > 0 && !this.stopped) {
				LockSupport.parkNanos(wait);
			}
			if (this.stopped) {
				for (int j = i; j < this.count; j++) {
					this.status[j] = NOT_SENT;
					this.done.countDown();
				}
				return;
			}
			this.maxLagNanos = Math.max(this.maxLagNanos, -wait);
			this.due[i] = due - this.startNanos;
			int id = i;
			HttpRequest.Builder builder = HttpRequest.newBuilder(this.targets.get(i % this.targets.size()))
				.timeout(this.timeout)
				.header("X-Request-Id", Integer.toString(id));
			if (this.deadlineHeader) {
				builder.header("x-envoy-expected-rq-timeout-ms", Long.toString(this.timeout.toMillis()));
			}
			HttpRequest request = builder.build();
			this.client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
				this.latency[id] = System.nanoTime() - due;
				this.status[id] = (response != null) ? response.statusCode()
						: (error instanceof HttpTimeoutException || error.getCause() instanceof HttpTimeoutException)
								? TIMEOUT : ERROR;
				this.done.countDown();
			});
		}
	}

	/** Sends no more requests; those already sent still count. */
	void stop() {
		this.stopped = true;
		LockSupport.unpark(this.scheduler);
	}

	/** Waits for every request to be answered or given up; at most the duration plus the timeout. */
	boolean await(Duration slack) throws InterruptedException {
		long bound = this.count * this.periodNanos + this.timeout.toNanos() + slack.toNanos();
		boolean all = this.done.await(bound, TimeUnit.NANOSECONDS);
		this.callbacks.shutdown();
		return all;
	}

	long startNanos() {
		return this.startNanos;
	}

	/** How far behind schedule the sender fell at worst: the generator's own stall. */
	long maxLagNanos() {
		return this.maxLagNanos;
	}

	static boolean ok(int status) {
		return status >= 200 && status < 300;
	}

}

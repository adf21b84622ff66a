package io.github.busypool.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent under a sustained connection flood: one sample app (its own JVM), flooders
 * that open and reset connections to its agent port at a fixed total rate, and a probe
 * that polls the agent as HAProxy does (connect, {@code agent-send}, read the reply) every
 * 20 ms. Prints the flood rate achieved and the probe's latency percentiles, without the
 * flood and with it.
 * <p>
 * Flood connections close with a reset (SO_LINGER 0), as a hostile client would, which
 * also keeps loopback's ports out of TIME_WAIT; each flooder binds its own 127.0.0.x.
 * <p>
 * {@code java -cp 'e2e/target/classes:e2e/target/lib/*' io.github.busypool.e2e.AgentFlood [rate] [seconds]}
 * (defaults 10000 and 20).
 */
public final class AgentFlood {

	private static final Duration PROBE_EVERY = Duration.ofMillis(20);

	private static final int PROBE_TIMEOUT_MILLIS = 2_000;

	private AgentFlood() {
	}

	public static void main(String[] args) throws Exception {
		int rate = (args.length > 0) ? Integer.parseInt(args[0]) : 10_000;
		int seconds = (args.length > 1) ? Integer.parseInt(args[1]) : 20;
		Path directory = Files.createTempDirectory("agent-flood");
		try (Downstream downstream = Downstream.start(200);
				Backend app = new Backend("app1", Fleet.sampleJar(), directory, true, Duration.ZERO, downstream)) {
			app.start();
			app.awaitReady(Duration.ofSeconds(90));
			InetSocketAddress agent = new InetSocketAddress("127.0.0.1", app.agentPort);
			System.out.printf("agent on %s; probe every %d ms for %d s, first alone, then under %,d connections/s%n",
					agent, PROBE_EVERY.toMillis(), seconds, rate);
			report("alone", probe(agent, Duration.ofSeconds(seconds)), 0, 0, seconds);
			int flooders = 4;
			LongAdder opened = new LongAdder();
			LongAdder refused = new LongAdder();
			List<Thread> threads = new ArrayList<>();
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 2);
			for (int i = 0; i < flooders; i++) {
				InetAddress source = InetAddress.getByName("127.0.0." + (10 + i));
				Thread thread = new Thread(() -> flood(agent, source, rate / (double) flooders, until, opened, refused),
						"flooder-" + i);
				thread.setDaemon(true);
				thread.start();
				threads.add(thread);
			}
			Thread.sleep(1_000);
			long before = opened.sum();
			long[] latencies = probe(agent, Duration.ofSeconds(seconds));
			long flooded = opened.sum() - before;
			report("flood", latencies, flooded, refused.sum(), seconds);
			for (Thread thread : threads) {
				thread.join(TimeUnit.SECONDS.toMillis(10));
			}
		}
	}

	/** Opens and resets connections at the given rate until the deadline. */
	private static void flood(InetSocketAddress agent, InetAddress source, double rate, long until, LongAdder opened,
			LongAdder refused) {
		long period = (long) (1e9 / rate);
		long next = System.nanoTime();
		while (next - until < 0) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(wait);
			}
			next += period;
			try (Socket socket = new Socket()) {
				socket.bind(new InetSocketAddress(source, 0));
				socket.setSoLinger(true, 0);
				socket.connect(agent, 1_000);
				opened.increment();
			}
			catch (IOException ex) {
				refused.increment();
			}
		}
	}

	/** Polls the agent like HAProxy for the given time; returns each poll's microseconds. */
	private static long[] probe(InetSocketAddress agent, Duration duration) throws InterruptedException {
		List<Long> latencies = new ArrayList<>();
		long end = System.nanoTime() + duration.toNanos();
		while (System.nanoTime() < end) {
			long start = System.nanoTime();
			try (Socket socket = new Socket()) {
				socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
				socket.setSoTimeout(PROBE_TIMEOUT_MILLIS);
				socket.connect(agent, PROBE_TIMEOUT_MILLIS);
				socket.getOutputStream().write("balancer=probe\n".getBytes(StandardCharsets.US_ASCII));
				InputStream in = socket.getInputStream();
				String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
				latencies.add(reply.startsWith("ready") || reply.contains("%") ? (System.nanoTime() - start) / 1_000
						: -1);
			}
			catch (IOException ex) {
				latencies.add(-1L);
			}
			Thread.sleep(PROBE_EVERY.toMillis());
		}
		return latencies.stream().mapToLong(Long::longValue).toArray();
	}

	private static void report(String label, long[] latencies, long flooded, long refused, int seconds) {
		long failed = Arrays.stream(latencies).filter((l) -> l < 0).count();
		// Probe latencies are in microseconds.
		Latencies probes = Latencies.ofNanos(Arrays.stream(latencies).map((l) -> (l < 0) ? l : l * 1000).toArray());
		System.out.printf(
				"%-5s: %,6d connections/s flooded (%,d refused); %d probes, %d failed; probe p50 %.2f ms, p99 %.2f ms, "
						+ "max %.2f ms%n",
				label, flooded / seconds, refused, latencies.length, failed, probes.percentileMs(50),
				probes.percentileMs(99), probes.percentileMs(100));
	}

}

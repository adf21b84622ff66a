package io.github.busypool.check.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.busypool.BusyState;
import io.github.busypool.LiveThreads;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;
import io.github.busypool.tomcat.BusyPoolExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The agent on a real loopback port, against well-behaved and hostile clients.
 */
class BusyPoolAgentTests {

	/** HAProxy gives an agent this long by default ({@code timeout check}, else inter). */
	private static final int REPLY_TIMEOUT_MILLIS = 2_000;

	private final CountDownLatch release = new CountDownLatch(1);

	private final CheckCounters counters = new CheckCounters();

	private BusyPoolExecutor pool;

	private BusyPoolAgent agent;

	@BeforeEach
	void start() {
		this.pool = new BusyPoolExecutor(1, 2, Integer.MAX_VALUE, 0);
		this.pool.start("agent-test-exec-");
		this.agent = new BusyPoolAgent(this.pool.busyPool(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
				Duration.ZERO, 2, this.counters);
		this.agent.start();
	}

	@AfterEach
	void stop() throws InterruptedException {
		this.release.countDown();
		this.agent.stop();
		this.pool.shutdownNow();
		assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void answersOneLineEndingInNewlineThenCloses() throws Exception {
		assertThat(ask()).isEqualTo("ready up 100% maxconn:2\n");
		assertThat(this.counters.count(CheckVia.AGENT, BusyState.FREE)).isEqualTo(1);
		assertThat(LiveThreads.named("busy-pool-agent")).hasSize(1);
	}

	@Test
	void followsThePool() throws Exception {
		List<Future<?>> held = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			held.add(this.pool.submit(() -> this.release.await(10, TimeUnit.SECONDS)));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.pool.busyPool().getState() == BusyState.BUSY);
		assertThat(ask()).isEqualTo("ready up 1% maxconn:2\n");
		this.release.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.pool.busyPool().getState() == BusyState.FREE);
		await().atMost(Duration.ofSeconds(5)).until(() -> ask().equals("ready up 100% maxconn:2\n"));
		this.pool.busyPool().drain();
		assertThat(ask()).isEqualTo("drain\n");
		assertThat(this.counters.count(CheckVia.AGENT, BusyState.BUSY)).isEqualTo(1);
		assertThat(this.counters.count(CheckVia.AGENT, BusyState.DRAINING)).isEqualTo(1);
	}

	@Test
	void ignoresWhatClientsSendAndStillEndsWithAFin() throws Exception {
		// Sent before, with or after the reply: it never turns the close into a reset.
		for (String sent : List.of("hello\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", "\u0000\u00ff\r\n\r\n",
				"agent-send\n".repeat(50))) {
			try (Socket socket = connect()) {
				socket.getOutputStream().write(sent.getBytes(StandardCharsets.ISO_8859_1));
				socket.getOutputStream().flush();
				assertThat(readAll(socket)).isEqualTo("ready up 100% maxconn:2\n");
			}
			try (Socket socket = connect()) {
				assertThat(socket.getInputStream().read()).isEqualTo('r');
				socket.getOutputStream().write("late\n".getBytes(StandardCharsets.US_ASCII));
				assertThat(readAll(socket)).isEqualTo("eady up 100% maxconn:2\n");
			}
		}
		// A client that sends far more than any agent-send: the agent is not disturbed.
		try (Socket socket = connect()) {
			writeQuietly(socket.getOutputStream(), new byte[1 << 20]);
		}
		assertThat(ask()).isEqualTo("ready up 100% maxconn:2\n");
	}

	@Test
	void dividesMaxconnAmongTheBalancersThatNameThemselves() throws Exception {
		BusyPoolAgent agent = new BusyPoolAgent(this.pool.busyPool(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
				Duration.ZERO, 8, this.counters);
		agent.start();
		try {
			assertThat(ask(agent.getPort(), "balancer=lb1\n")).isEqualTo("ready up 100% maxconn:8\n");
			await().atMost(Duration.ofSeconds(5))
				.until(() -> ask(agent.getPort(), "balancer=lb2\n").equals("ready up 100% maxconn:4\n"));
			for (String name : List.of("lb3", "lb4")) {
				ask(agent.getPort(), "balancer=" + name + "\n");
			}
			await().atMost(Duration.ofSeconds(5))
				.until(() -> ask(agent.getPort(), "balancer=lb1\n").equals("ready up 100% maxconn:2\n"));
			// Three: 8 / 3 rounds up, so that together they never send fewer than 8.
			await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
				ask(agent.getPort(), "balancer=lb1\n");
				ask(agent.getPort(), "balancer=lb2\n");
				return ask(agent.getPort(), "balancer=lb3\n").equals("ready up 100% maxconn:3\n");
			});
			// Lines that do not name a balancer count for nothing.
			for (String line : List.of("hello\n", "balancer=\n", "balancer=has space\n", "balancer=" + "x".repeat(65)
					+ "\n", "balancer=caf\u00e9\n")) {
				ask(agent.getPort(), line);
			}
			assertThat(ask(agent.getPort(), "balancer=lb1\n")).isEqualTo("ready up 100% maxconn:3\n");
		}
		finally {
			agent.stop();
		}
	}

	@Test
	void namesAreReadOnlyAsBalancerEqualsAndPrintableAscii() {
		assertThat(name("balancer=lb1\n")).isEqualTo("lb1");
		assertThat(name("balancer=lb1\r\n")).isEqualTo("lb1");
		assertThat(name("balancer=" + "x".repeat(64) + "\n")).hasSize(64);
		assertThat(name("balancer=" + "x".repeat(65) + "\n")).isNull();
		assertThat(name("balancer=lb1")).as("no newline yet").isNull();
		assertThat(name("lb1\n")).isNull();
		assertThat(name("balancer=\n")).isNull();
		assertThat(name("balancer=a b\n")).isNull();
	}

	private static String name(String line) {
		byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
		return Balancers.name(bytes, bytes.length);
	}

	private static String ask(int port, String line) throws IOException {
		try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
			socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
			socket.getOutputStream().write(line.getBytes(StandardCharsets.ISO_8859_1));
			socket.getOutputStream().flush();
			return new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
		}
	}

	@Test
	void answersWithoutWaitingForInput() throws Exception {
		// The client sends nothing and keeps its side open: the reply and the close still
		// come, so the agent did not wait for a line.
		try (Socket socket = connect()) {
			assertThat(readAll(socket)).isEqualTo("ready up 100% maxconn:2\n");
		}
	}

	@Test
	void clientsThatNeverReadNorCloseCannotBlockItOrPileUp() throws Exception {
		List<Socket> idle = new ArrayList<>();
		try {
			for (int i = 0; i < 500; i++) {
				idle.add(connect());
			}
			assertThat(ask()).isEqualTo("ready up 100% maxconn:2\n");
			assertThat(LiveThreads.named("busy-pool-agent")).hasSize(1);
			// The agent keeps at most MAX_LINGERING of them, and only for LINGER.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> this.agent.lingering() == BusyPoolAgent.MAX_LINGERING);
			await().atMost(BusyPoolAgent.LINGER.multipliedBy(3)).until(() -> this.agent.lingering() == 0);
			// Every one of them got its reply and the agent's FIN.
			for (Socket socket : idle) {
				assertThat(readAll(socket)).isEqualTo("ready up 100% maxconn:2\n");
			}
		}
		finally {
			for (Socket socket : idle) {
				socket.close();
			}
		}
	}

	@Test
	void aConnectionFloodCannotDelayAnswers() throws Exception {
		int flooders = 4;
		int connectionsEach = 5_000;
		AtomicBoolean flooding = new AtomicBoolean(true);
		AtomicLong flooded = new AtomicLong();
		ExecutorService flood = Executors.newFixedThreadPool(flooders);
		List<Future<?>> floods = new ArrayList<>();
		for (int f = 0; f < flooders; f++) {
			int kind = f;
			floods.add(flood.submit(() -> {
				for (int i = 0; i < connectionsEach && flooding.get(); i++) {
					try (Socket socket = new Socket()) {
						socket.connect(address(), REPLY_TIMEOUT_MILLIS);
						if (kind % 2 == 0) {
							// Sends garbage and leaves without reading.
							socket.getOutputStream().write("garbage\r\n".getBytes(StandardCharsets.US_ASCII));
						}
						flooded.incrementAndGet();
					}
					catch (IOException ex) {
						// Backlog full: the flood is beyond what the kernel keeps.
					}
				}
				return null;
			}));
		}
		long[] probes = new long[40];
		int answered = 0;
		try {
			for (int i = 0; i < probes.length; i++) {
				long start = System.nanoTime();
				assertThat(ask()).isEqualTo("ready up 100% maxconn:2\n");
				probes[i] = System.nanoTime() - start;
				answered++;
				Thread.sleep(25);
			}
		}
		finally {
			flooding.set(false);
			for (Future<?> f : floods) {
				f.get(30, TimeUnit.SECONDS);
			}
			flood.shutdown();
		}
		Arrays.sort(probes);
		System.out.printf("agent under a flood of %d connections: %d probes, p50 %.2f ms, max %.2f ms%n",
				flooded.get(), answered, probes[probes.length / 2] / 1e6, probes[probes.length - 1] / 1e6);
		assertThat(answered).isEqualTo(probes.length);
		assertThat(flooded.get()).isGreaterThan(probes.length);
		assertThat(this.counters.count(CheckVia.AGENT, BusyState.FREE)).isGreaterThanOrEqualTo(probes.length);
	}

	@Test
	void stopReleasesThePortAndTheThread() throws Exception {
		InetSocketAddress address = address();
		this.agent.stop();
		assertThat(this.agent.getPort()).isEqualTo(-1);
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket().connect(address, 1000));
		await().atMost(Duration.ofSeconds(5)).until(() -> LiveThreads.named("busy-pool-agent").isEmpty());
	}

	private String ask() throws IOException {
		try (Socket socket = connect()) {
			return readAll(socket);
		}
	}

	private Socket connect() throws IOException {
		Socket socket = new Socket();
		socket.connect(address(), REPLY_TIMEOUT_MILLIS);
		socket.setSoTimeout(REPLY_TIMEOUT_MILLIS);
		return socket;
	}

	private InetSocketAddress address() {
		return new InetSocketAddress(InetAddress.getLoopbackAddress(), this.agent.getPort());
	}

	private static String readAll(Socket socket) throws IOException {
		try {
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("no reply and close within " + REPLY_TIMEOUT_MILLIS + " ms", ex);
		}
	}

	private static void writeQuietly(OutputStream out, byte[] bytes) {
		try {
			out.write(bytes);
		}
		catch (IOException ex) {
			// The agent closed first: expected.
		}
	}

}

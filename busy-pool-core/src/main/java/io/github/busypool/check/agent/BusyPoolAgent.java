package io.github.busypool.check.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.github.busypool.BusyPool;
import io.github.busypool.BusyState;
import io.github.busypool.PoolSnapshot;
import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;
import io.github.busypool.check.StandingState;

/**
 * An HAProxy agent-check responder: for each connection it writes one line (see
 * {@link AgentReplies}) and closes it.
 * <p>
 * It runs on one thread of its own, {@code busy-pool-agent}, never on a Tomcat thread,
 * and it never waits for a client: it writes the reply without blocking and half-closes
 * at once. What clients send is discarded, except a first line that names the balancer
 * (HAProxy's {@code agent-send}, see {@link Balancers}): {@code maxconn} is divided among
 * the balancers that poll. Input is discarded as it comes, until the client closes or two seconds have
 * passed, so that the close is clean; at most {@link #MAX_LINGERING} connections wait
 * like that, and the rest are closed at once. A client that never reads, or a flood of
 * connections, thus costs it a few microseconds each and bounded memory. Between
 * connections it samples the pool every {@link #SAMPLE_INTERVAL}.
 */
public class BusyPoolAgent {

	/** How often the pool is sampled for the weight. */
	public static final Duration SAMPLE_INTERVAL = Duration.ofMillis(100);

	/** Pending connections the kernel keeps for the agent. */
	static final int BACKLOG = 1024;

	/** Connections answered before the next sample is due, at most. */
	private static final int ACCEPTS_PER_ROUND = 256;

	/** Input discarded per connection at most; a client that sends more is closed. */
	private static final int MAX_DISCARD = 4096;

	/** How long an answered connection waits for its client to close. */
	static final Duration LINGER = Duration.ofSeconds(2);

	/** Answered connections that may wait for their client to close at once. */
	static final int MAX_LINGERING = 256;

	private static final Log logger = LogFactory.getLog(BusyPoolAgent.class);

	private final BusyPool pool;

	/** What HAProxy is told: busy only once it has stood (see {@link StandingState}). */
	private final StandingState state;

	private final InetSocketAddress address;

	private final AgentReplies replies;

	private final IntSupplier maxconn;

	private final CheckCounters counters;

	private volatile ServiceSpeed speed;

	private final ByteBuffer discard = ByteBuffer.allocateDirect(1024);

	private final byte[] name = new byte[Balancers.PREFIX.length() + Balancers.MAX_NAME + 2];

	private final Balancers balancers = new Balancers();

	private ServerSocketChannel server;

	private Selector selector;

	private Thread thread;

	private volatile boolean running;

	/** Written by the agent's thread only; volatile so that tests can read it. */
	private volatile int lingering;

	/**
	 * Creates an agent.
	 * @param pool the pool to report
	 * @param address where to listen; port 0 picks a free one
	 * @param smoothing the time constant of the weight's smoothing, zero for none
	 * @param maxconn the {@code maxconn} to send, or 0 to send none
	 * @param counters where answered checks are counted
	 */
	public BusyPoolAgent(BusyPool pool, InetSocketAddress address, Duration smoothing, int maxconn,
			CheckCounters counters) {
		this(pool, address, smoothing, () -> maxconn, counters);
	}

	/**
	 * Creates an agent whose {@code maxconn} is read when it starts: a pool may know its
	 * size only once the web server has started (Jetty's leases threads to its connectors).
	 * @param pool the pool to report
	 * @param address where to listen; port 0 picks a free one
	 * @param smoothing the time constant of the weight's smoothing, zero for none
	 * @param maxconn the {@code maxconn} to send, or 0 to send none, read on {@link #start()}
	 * @param counters where answered checks are counted
	 */
	public BusyPoolAgent(BusyPool pool, InetSocketAddress address, Duration smoothing, IntSupplier maxconn,
			CheckCounters counters) {
		this.pool = pool;
		this.state = new StandingState(pool);
		this.address = address;
		this.replies = new AgentReplies(smoothing);
		this.maxconn = maxconn;
		this.counters = counters;
	}

	/**
	 * Weights the server by its speed too, not only by its spare capacity (see
	 * {@link AgentReplies}).
	 * @param speed the server's speed, or {@code null} for spare capacity only
	 */
	public void setSpeed(ServiceSpeed speed) {
		this.speed = speed;
	}

	/**
	 * Binds the port and starts answering.
	 * @throws AgentBindException if the port cannot be bound
	 */
	public synchronized void start() {
		if (this.running) {
			return;
		}
		try {
			this.selector = Selector.open();
			this.server = ServerSocketChannel.open();
			this.server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
			this.server.bind(this.address, BACKLOG);
			this.server.configureBlocking(false);
			this.server.register(this.selector, SelectionKey.OP_ACCEPT);
		}
		catch (IOException ex) {
			closeQuietly();
			throw new AgentBindException(this.address, ex);
		}
		this.replies.maxconn(this.maxconn.getAsInt());
		sample();
		this.running = true;
		this.thread = new Thread(this::run, "busy-pool-agent");
		this.thread.setDaemon(true);
		this.thread.start();
		logger.info("busy-pool agent listening on " + describe(localAddress()));
	}

	/**
	 * Stops answering and releases the port.
	 */
	public synchronized void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		this.selector.wakeup();
		try {
			this.thread.join(TimeUnit.SECONDS.toMillis(5));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		closeQuietly();
	}

	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Returns the port the agent listens on, or -1 when it does not.
	 * @return the port
	 */
	public int getPort() {
		InetSocketAddress local = localAddress();
		return (local != null) ? local.getPort() : -1;
	}

	/**
	 * Returns the address the agent listens on, or {@code null} when it does not.
	 * @return the local address
	 */
	public InetSocketAddress localAddress() {
		try {
			ServerSocketChannel channel = this.server;
			return (channel != null && channel.isOpen()) ? (InetSocketAddress) channel.getLocalAddress() : null;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void run() {
		long interval = SAMPLE_INTERVAL.toNanos();
		long nextSample = System.nanoTime() + interval;
		while (this.running) {
			try {
				long wait = TimeUnit.NANOSECONDS.toMillis(nextSample - System.nanoTime());
				if (wait > 0) {
					this.selector.select(wait);
				}
				else {
					this.selector.selectNow();
				}
				Iterator<SelectionKey> selected = this.selector.selectedKeys().iterator();
				while (selected.hasNext()) {
					SelectionKey key = selected.next();
					selected.remove();
					if (key.isValid() && key.channel() != this.server && key.isReadable()) {
						discardOrClose(key);
					}
				}
				long now = System.nanoTime();
				if (now - nextSample >= 0) {
					sample();
					closeExpired(now);
					nextSample = now + interval;
				}
				for (int i = 0; i < ACCEPTS_PER_ROUND && this.running; i++) {
					SocketChannel client = this.server.accept();
					if (client == null) {
						break;
					}
					answer(client, now);
				}
			}
			catch (IOException | RuntimeException ex) {
				// Out of file descriptors, for example: keep going, the next round may
				// do better. Never let one failure end the agent.
				logger.debug("busy-pool agent: " + ex, ex);
				pause();
			}
		}
		for (SelectionKey key : this.selector.keys()) {
			if (key.channel() != this.server) {
				closeQuietly(key);
			}
		}
	}

	private void sample() {
		PoolSnapshot snapshot = this.pool.snapshot();
		long now = System.nanoTime();
		ServiceSpeed speed = this.speed;
		if (speed != null) {
			speed.refresh(now);
		}
		this.replies.sample(snapshot.inFlight(), snapshot.maxThreads(), (speed != null) ? speed.speed() : 1.0, now);
	}

	/**
	 * Writes the reply and sends a FIN at once. Closing outright while input is unread, or
	 * still arriving (HAProxy's agent-send), would send a reset that can overtake the reply;
	 * so the connection lingers, input discarded, until the client closes or
	 * {@link #LINGER} has passed. At most {@link #MAX_LINGERING} connections linger; beyond
	 * that they are closed at once. The first line of input, if it comes, names the
	 * balancer (see {@link Balancers}); it counts for the replies that follow.
	 */
	private void answer(SocketChannel client, long now) {
		boolean keep = false;
		try {
			BusyState state = this.state.get();
			client.configureBlocking(false);
			client.write(ByteBuffer.wrap(this.replies.reply(state)));
			this.counters.increment(CheckVia.AGENT, state);
			client.shutdownOutput();
			Linger linger = new Linger(now + LINGER.toNanos());
			if (discard(client, linger, now) && this.lingering < MAX_LINGERING) {
				client.register(this.selector, SelectionKey.OP_READ, linger);
				this.lingering++;
				keep = true;
			}
		}
		catch (IOException ex) {
			// The client went away: nothing to do.
		}
		finally {
			if (!keep) {
				closeQuietly(client);
			}
		}
	}

	private void discardOrClose(SelectionKey key) {
		try {
			if (!discard((SocketChannel) key.channel(), (Linger) key.attachment(), System.nanoTime())) {
				closeQuietly(key);
			}
		}
		catch (IOException ex) {
			closeQuietly(key);
		}
	}

	/**
	 * Reads and drops what the client has sent so far, without waiting for more; the first
	 * bytes are read for a balancer's name.
	 * @return whether the client may send more: {@code false} at end of stream, or once
	 * it has sent more than any agent-send would
	 */
	private boolean discard(SocketChannel client, Linger linger, long now) throws IOException {
		while (linger.read < MAX_DISCARD) {
			this.discard.clear();
			int read = client.read(this.discard);
			if (read < 0) {
				return false;
			}
			if (read == 0) {
				return true;
			}
			if (linger.read == 0) {
				this.discard.flip();
				int length = Math.min(read, this.name.length);
				this.discard.get(this.name, 0, length);
				String balancer = Balancers.name(this.name, length);
				if (balancer != null && this.balancers.polled(balancer, now)) {
					balancersChanged();
				}
			}
			linger.read += read;
		}
		return false;
	}

	private void balancersChanged() {
		this.replies.balancers(this.balancers.count());
		if (this.replies.maxconnShare() > 0) {
			logger.info("busy-pool agent: polled by " + this.balancers.count() + " load balancer(s) "
					+ this.balancers.names() + "; maxconn " + this.replies.maxconnShare() + " each");
		}
	}

	private void closeExpired(long now) {
		for (SelectionKey key : this.selector.keys()) {
			if (key.attachment() instanceof Linger linger && now - linger.deadline >= 0) {
				closeQuietly(key);
			}
		}
		if (this.balancers.forgetSilent(now)) {
			balancersChanged();
		}
	}

	/** An answered connection waiting for its client to close. */
	private static final class Linger {

		final long deadline;

		/** Bytes read from the client so far. */
		int read;

		Linger(long deadline) {
			this.deadline = deadline;
		}

	}

	private void closeQuietly(SelectionKey key) {
		if (key.attachment() != null) {
			key.attach(null);
			this.lingering--;
		}
		key.cancel();
		closeQuietly((SocketChannel) key.channel());
	}

	private static void closeQuietly(SocketChannel client) {
		try {
			client.close();
		}
		catch (IOException ex) {
			// Nothing left to do with it.
		}
	}

	/**
	 * Returns how many answered connections wait for their client to close.
	 * @return the count, at most {@link #MAX_LINGERING}
	 */
	int lingering() {
		return this.lingering;
	}

	private static void pause() {
		try {
			Thread.sleep(10);
		}
		catch (InterruptedException ex) {
			// Only stop() ends the agent; a kept interrupt would make select() spin.
		}
	}

	private void closeQuietly() {
		try {
			if (this.server != null) {
				this.server.close();
			}
			if (this.selector != null) {
				this.selector.close();
			}
		}
		catch (IOException ex) {
			logger.debug("busy-pool agent: " + ex, ex);
		}
	}

	private static String describe(InetSocketAddress address) {
		return (address != null) ? address.getHostString() + ":" + address.getPort() : "?";
	}

}

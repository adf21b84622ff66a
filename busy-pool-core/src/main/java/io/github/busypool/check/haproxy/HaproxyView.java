package io.github.busypool.check.haproxy;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the HAProxy nodes checking this server last said of it, one entry per node, from
 * the {@code X-Haproxy-Server-State} header of their checks. Malformed headers are
 * ignored, and at most {@link #MAX_NODES} nodes are kept, so that no client can grow it.
 * A node that has not checked for {@link #STALE_AFTER_MILLIS} reads as stale, and makes
 * way for a new node when the table is full: forged names fill it for a minute at most
 * after they stop, and a real node is then recorded at its next check. Who may report at
 * all is the caller's choice (see {@link StateReporters}).
 */
public final class HaproxyView {

	/** At most this many HAProxy nodes are tracked; later ones wait until one goes stale. */
	public static final int MAX_NODES = 32;

	/** After this long without a check, a node's values are no longer current. */
	public static final long STALE_AFTER_MILLIS = 60_000;

	private final Map<String, Node> nodes = new ConcurrentHashMap<>();

	private final LongSupplier clock;

	private volatile Consumer<Node> onNewNode = (node) -> {
	};

	private volatile Consumer<Node> onRemovedNode = (node) -> {
	};

	public HaproxyView() {
		this(System::currentTimeMillis);
	}

	HaproxyView(LongSupplier clock) {
		this.clock = clock;
	}

	/**
	 * Records a header sent with a check.
	 * @param header the value of {@code X-Haproxy-Server-State}, or {@code null}
	 * @return whether it was recorded
	 */
	public boolean record(String header) {
		HaproxyServerState state = HaproxyServerState.parse(header);
		if (state == null) {
			return false;
		}
		long now = this.clock.getAsLong();
		Node node = this.nodes.get(state.node());
		if (node == null) {
			node = add(state.node(), now);
			if (node == null) {
				return false;
			}
		}
		node.state = state;
		node.at = now;
		return true;
	}

	/** Adds a node, making way for it if need be; new nodes are rare, so this may lock. */
	private synchronized Node add(String name, long now) {
		Node node = this.nodes.get(name);
		if (node != null) {
			return node;
		}
		if (this.nodes.size() >= MAX_NODES && !evictStale(now)) {
			return null;
		}
		node = new Node(name);
		node.at = now;
		this.nodes.put(name, node);
		this.onNewNode.accept(node);
		return node;
	}

	private boolean evictStale(long now) {
		boolean evicted = false;
		for (Node node : this.nodes.values()) {
			if (now - node.at > STALE_AFTER_MILLIS && this.nodes.remove(node.name, node)) {
				this.onRemovedNode.accept(node);
				evicted = true;
			}
		}
		return evicted;
	}

	/**
	 * Returns the nodes seen so far.
	 * @return the nodes
	 */
	public Collection<Node> nodes() {
		return this.nodes.values();
	}

	/**
	 * Sets what to do when a node is seen for the first time (metrics register gauges).
	 * It runs on the thread that answered the check, so it must be quick: the metrics hand
	 * the registration to a thread of their own.
	 * @param onNewNode the callback
	 */
	public void onNewNode(Consumer<Node> onNewNode) {
		this.onNewNode = onNewNode;
	}

	/**
	 * Sets what to do when a stale node is dropped to make way for a new one (metrics
	 * remove its gauges). It runs on the thread that answered the check.
	 * @param onRemovedNode the callback
	 */
	public void onRemovedNode(Consumer<Node> onRemovedNode) {
		this.onRemovedNode = onRemovedNode;
	}

	/**
	 * One HAProxy node's latest view of this server.
	 */
	public final class Node {

		private final String name;

		private volatile HaproxyServerState state;

		private volatile long at;

		Node(String name) {
			this.name = name;
		}

		public String name() {
			return this.name;
		}

		/**
		 * Returns the latest state, or {@code null} if it is older than
		 * {@link #STALE_AFTER_MILLIS}.
		 * @return the current state or {@code null}
		 */
		public HaproxyServerState current() {
			return (HaproxyView.this.clock.getAsLong() - this.at > STALE_AFTER_MILLIS) ? null : this.state;
		}

	}

}

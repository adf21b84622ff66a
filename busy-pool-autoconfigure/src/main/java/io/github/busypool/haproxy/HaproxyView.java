package io.github.busypool.haproxy;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * What the HAProxy nodes checking this server last said of it, one entry per node, from
 * the {@code X-Haproxy-Server-State} header of their checks. Malformed headers are
 * ignored, and at most {@link #MAX_NODES} nodes are kept, so that no client can grow it.
 * A node that has not checked for {@link #STALE_AFTER_MILLIS} reads as stale.
 */
public final class HaproxyView {

	/** At most this many HAProxy nodes are tracked; later ones are ignored. */
	public static final int MAX_NODES = 32;

	/** After this long without a check, a node's values are no longer current. */
	public static final long STALE_AFTER_MILLIS = 60_000;

	private final Map<String, Node> nodes = new ConcurrentHashMap<>();

	private final LongSupplier clock;

	private volatile Consumer<Node> onNewNode = (node) -> {
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
		Node node = this.nodes.get(state.node());
		boolean created = false;
		if (node == null) {
			if (this.nodes.size() >= MAX_NODES) {
				return false;
			}
			Node fresh = new Node(state.node());
			node = this.nodes.putIfAbsent(state.node(), fresh);
			created = (node == null);
			node = created ? fresh : node;
		}
		node.state = state;
		node.at = this.clock.getAsLong();
		if (created) {
			this.onNewNode.accept(node);
		}
		return true;
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
	 * It runs on the thread that answered the check.
	 * @param onNewNode the callback
	 */
	public void onNewNode(Consumer<Node> onNewNode) {
		this.onNewNode = onNewNode;
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

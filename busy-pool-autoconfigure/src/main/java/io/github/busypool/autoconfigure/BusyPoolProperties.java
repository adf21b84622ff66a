package io.github.busypool.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for busy-pool. Pool sizes come from Boot's own
 * {@code server.tomcat.threads.*}.
 */
@ConfigurationProperties("busy-pool")
public class BusyPoolProperties {

	/**
	 * Whether the starter installs anything.
	 */
	private boolean enabled = true;

	/**
	 * How many more queued tasks than idle threads are tolerated before the pool counts as
	 * busy (0 or more).
	 */
	private int queueTolerance = 0;

	private final Check check = new Check();

	private final Agent agent = new Agent();

	private final Shutdown shutdown = new Shutdown();

	/**
	 * Shedding of requests that waited too long before they reached the application.
	 */
	private final Shed shed = new Shed();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getQueueTolerance() {
		return this.queueTolerance;
	}

	public void setQueueTolerance(int queueTolerance) {
		if (queueTolerance < 0) {
			throw new IllegalArgumentException(
					"busy-pool.queue-tolerance must be 0 or more, was " + queueTolerance);
		}
		this.queueTolerance = queueTolerance;
	}

	public Check getCheck() {
		return this.check;
	}

	public Agent getAgent() {
		return this.agent;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Shed getShed() {
		return this.shed;
	}

	static Integer requirePort(String property, Integer port) {
		if (port != null && (port < 0 || port > 65535)) {
			throw new IllegalArgumentException(
					property + " must be a port from 0 to 65535 (0 picks a free one), or unset for off, was " + port);
		}
		return port;
	}

	/**
	 * The load balancer's check, answered by a filter before any dispatch.
	 */
	public static class Check {

		/**
		 * The path the filter answers for GET, HEAD and OPTIONS, relative to the context
		 * path.
		 */
		private String path = "/busy-pool/check";

		/**
		 * Whether the filter also answers HAProxy's default check, OPTIONS /, when it is not
		 * a CORS preflight.
		 */
		private boolean haproxyDefault = true;

		/**
		 * The port of a dedicated Tomcat connector, with its own small executor, that
		 * serves the check and nothing else (404 for anything else). Unset for off; 0 picks
		 * a free port.
		 */
		private Integer port;

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = requirePort("busy-pool.check.port", port);
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			if (path == null || path.length() < 2 || path.charAt(0) != '/' || !isPlainPath(path)) {
				throw new IllegalArgumentException("busy-pool.check.path must start with '/' and name a path other "
						+ "than '/', without spaces, '?', '#' or ';' (for example /busy-pool/check), was '" + path
						+ "'");
			}
			this.path = path;
		}

		private static boolean isPlainPath(String path) {
			for (int i = 0; i < path.length(); i++) {
				char c = path.charAt(i);
				if (c <= ' ' || c == '?' || c == '#' || c == ';' || c == 0x7f) {
					return false;
				}
			}
			return true;
		}

		public boolean isHaproxyDefault() {
			return this.haproxyDefault;
		}

		public void setHaproxyDefault(boolean haproxyDefault) {
			this.haproxyDefault = haproxyDefault;
		}

	}

	/**
	 * The HAProxy agent-check responder.
	 */
	public static class Agent {

		/**
		 * The port of an HAProxy agent-check responder. Unset for off; 0 picks a free port.
		 */
		private Integer port;

		/**
		 * The bind address of the agent. Defaults to server.address, else all interfaces.
		 */
		private InetAddress address;

		/**
		 * Whether replies carry maxconn:N, with N = server.tomcat.threads.max, so that
		 * HAProxy never sends this server more concurrent requests than it has threads.
		 */
		private boolean sendMaxconn = true;

		/**
		 * The time constant of the exponential smoothing applied to the weight. 0 for none.
		 */
		private Duration weightSmoothing = Duration.ofSeconds(1);

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = requirePort("busy-pool.agent.port", port);
		}

		public InetAddress getAddress() {
			return this.address;
		}

		public void setAddress(InetAddress address) {
			this.address = address;
		}

		public boolean isSendMaxconn() {
			return this.sendMaxconn;
		}

		public void setSendMaxconn(boolean sendMaxconn) {
			this.sendMaxconn = sendMaxconn;
		}

		public Duration getWeightSmoothing() {
			return this.weightSmoothing;
		}

		public void setWeightSmoothing(Duration weightSmoothing) {
			if (weightSmoothing == null || weightSmoothing.isNegative()) {
				throw new IllegalArgumentException(
						"busy-pool.agent.weight-smoothing must be 0s or more (for example 1s), was " + weightSmoothing);
			}
			this.weightSmoothing = weightSmoothing;
		}

	}

	/**
	 * What happens when the application shuts down.
	 */
	public static class Shutdown {

		/**
		 * How long, on shutdown, the check and the agent report draining before the web
		 * server stops accepting.
		 */
		private Duration drainDelay = Duration.ZERO;

		public Duration getDrainDelay() {
			return this.drainDelay;
		}

		public void setDrainDelay(Duration drainDelay) {
			if (drainDelay == null || drainDelay.isNegative()) {
				throw new IllegalArgumentException(
						"busy-pool.shutdown.drain-delay must be 0s or more (for example 10s), was " + drainDelay);
			}
			this.drainDelay = drainDelay;
		}

	}

	public static class Shed {

		/**
		 * Whether to answer 503 busy, instead of running them, requests that waited in the
		 * load balancer's queue longer than the CoDel limit (queue-target while the queue
		 * is standing, queue-interval while it empties now and then). Only requests that
		 * carry the request-start header are ever shed for their wait.
		 */
		private boolean enabled = true;

		/**
		 * The header in which the load balancer stamps when it received the request
		 * ("t=" and milliseconds or microseconds since the epoch; HAProxy: http-request
		 * set-header X-Request-Start t=%[date(0,ms)]).
		 */
		private String requestStartHeader = "X-Request-Start";

		/**
		 * How long a request may have waited while the queue is standing (has not been
		 * empty for queue-interval).
		 */
		private Duration queueTarget = Duration.ofMillis(50);

		/**
		 * How long a request may have waited while the queue still empties now and then,
		 * and how long it must stay non-empty to count as standing.
		 */
		private Duration queueInterval = Duration.ofMillis(500);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getRequestStartHeader() {
			return this.requestStartHeader;
		}

		public void setRequestStartHeader(String requestStartHeader) {
			if (requestStartHeader == null || !requestStartHeader.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
				throw new IllegalArgumentException("busy-pool.shed.request-start-header must be an HTTP header "
						+ "name (for example X-Request-Start), was '" + requestStartHeader + "'");
			}
			this.requestStartHeader = requestStartHeader;
		}

		public Duration getQueueTarget() {
			return this.queueTarget;
		}

		public void setQueueTarget(Duration queueTarget) {
			this.queueTarget = requireWait("busy-pool.shed.queue-target", queueTarget, "50ms");
		}

		public Duration getQueueInterval() {
			return this.queueInterval;
		}

		public void setQueueInterval(Duration queueInterval) {
			this.queueInterval = requireWait("busy-pool.shed.queue-interval", queueInterval, "500ms");
		}

		private static Duration requireWait(String property, Duration value, String example) {
			if (value == null || value.isNegative() || value.compareTo(Duration.ofHours(1)) > 0) {
				throw new IllegalArgumentException(
						property + " must be from 0ms to 1h (for example " + example + "), was " + value);
			}
			return value;
		}

	}

}

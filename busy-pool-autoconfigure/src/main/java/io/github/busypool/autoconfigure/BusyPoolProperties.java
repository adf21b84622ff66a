package io.github.busypool.autoconfigure;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

	/**
	 * Client deadlines: how long each request's client waits, read from the request or
	 * assumed by default.
	 */
	private final Deadline deadline = new Deadline();

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
			throw new InvalidBusyPoolPropertyException("busy-pool.queue-tolerance", queueTolerance, "must be 0 or more",
					"Set busy-pool.queue-tolerance to 0 (busy as soon as more requests wait than threads are idle) "
							+ "or a small positive number.");
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

	public Deadline getDeadline() {
		return this.deadline;
	}

	/** The longest duration any busy-pool property accepts. */
	static final Duration MAX_DURATION = Duration.ofHours(1);

	/**
	 * Durations are bounded so that no arithmetic on them can overflow: in nanoseconds a
	 * long holds 292 years, and nothing here is sensibly longer than an hour.
	 */
	static Duration requireDuration(String property, Duration value, String example) {
		if (value == null || value.isNegative() || value.compareTo(MAX_DURATION) > 0) {
			throw new InvalidBusyPoolPropertyException(property, value, "must be from 0ms to 1h",
					"Set " + property + " to a duration from 0ms to 1h, for example " + example + ".");
		}
		return value;
	}

	static Integer requirePort(String property, Integer port) {
		if (port != null && (port < 0 || port > 65535)) {
			throw new InvalidBusyPoolPropertyException(property, port, "must be a port from 0 to 65535",
					"Set " + property + " to a free port, to 0 to pick one, or leave it unset to turn it off.");
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

		/**
		 * How many connections the check port keeps open at most (1 to 65535). Slow or
		 * idle ones cost a few kilobytes each and no thread.
		 */
		private int maxConnections = 2048;

		/**
		 * Who may report HAProxy's view of this server (X-Haproxy-Server-State).
		 */
		private final ServerState serverState = new ServerState();

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = requirePort("busy-pool.check.port", port);
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			if (maxConnections < 1 || maxConnections > 65535) {
				throw new InvalidBusyPoolPropertyException("busy-pool.check.max-connections", maxConnections,
						"must be from 1 to 65535",
						"Set busy-pool.check.max-connections to a number from 1 to 65535, or remove it for 2048.");
			}
			this.maxConnections = maxConnections;
		}

		public ServerState getServerState() {
			return this.serverState;
		}

		public String getPath() {
			return this.path;
		}

		public void setPath(String path) {
			String problem = CheckPath.problem(path);
			if (problem != null) {
				throw new InvalidBusyPoolPropertyException("busy-pool.check.path", path, problem,
						"Set busy-pool.check.path to a plain path such as /busy-pool/check, and use the same "
								+ "path in HAProxy's http-check send.");
			}
			this.path = path;
		}

		public boolean isHaproxyDefault() {
			return this.haproxyDefault;
		}

		public void setHaproxyDefault(boolean haproxyDefault) {
			this.haproxyDefault = haproxyDefault;
		}

		/**
		 * Who may report HAProxy's view of this server in the X-Haproxy-Server-State
		 * header of a check. Checks from anyone else are answered, and their header is
		 * ignored.
		 */
		public static class ServerState {

			/**
			 * Whether only checks on the dedicated check port may report. Set it when the
			 * main port faces clients and the check port only HAProxy.
			 */
			private boolean checkPortOnly;

			/**
			 * The addresses that may report: IP addresses or CIDR ranges (10.0.0.0/8).
			 * Empty for any.
			 */
			private List<String> trustedAddresses = new ArrayList<>();

			public boolean isCheckPortOnly() {
				return this.checkPortOnly;
			}

			public void setCheckPortOnly(boolean checkPortOnly) {
				this.checkPortOnly = checkPortOnly;
			}

			public List<String> getTrustedAddresses() {
				return this.trustedAddresses;
			}

			public void setTrustedAddresses(List<String> trustedAddresses) {
				this.trustedAddresses = trustedAddresses;
			}

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

		/**
		 * Whether the weight also falls when requests take longer than this server's
		 * normal, so that HAProxy sends a slow server less while its peers are fine. Turn
		 * it off when requests routinely run for much longer than usual, two at a time or
		 * more (long polling on the request thread, say).
		 */
		private boolean weighBySpeed = true;

		public boolean isWeighBySpeed() {
			return this.weighBySpeed;
		}

		public void setWeighBySpeed(boolean weighBySpeed) {
			this.weighBySpeed = weighBySpeed;
		}

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
			this.weightSmoothing = requireDuration("busy-pool.agent.weight-smoothing", weightSmoothing, "1s");
		}

	}

	/**
	 * What happens when the application shuts down.
	 */
	public static class Shutdown {

		/**
		 * The longest the check and the agent report draining on shutdown before the web
		 * server stops accepting. The drain ends sooner once whatever checks this server
		 * was told and no request has begun for a second, and is skipped when nothing asked
		 * for the state in the last 10 s. 0 for none. By default at most half of
		 * spring.lifecycle.timeout-per-shutdown-phase.
		 */
		private Duration drainDelay = Duration.ofSeconds(10);

		public Duration getDrainDelay() {
			return this.drainDelay;
		}

		public void setDrainDelay(Duration drainDelay) {
			this.drainDelay = requireDuration("busy-pool.shutdown.drain-delay", drainDelay, "10s");
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
				throw new InvalidBusyPoolPropertyException("busy-pool.shed.request-start-header", requestStartHeader,
						"must be an HTTP header name", "Set busy-pool.shed.request-start-header to the header "
								+ "HAProxy sets, for example X-Request-Start.");
			}
			this.requestStartHeader = requestStartHeader;
		}

		public Duration getQueueTarget() {
			return this.queueTarget;
		}

		public void setQueueTarget(Duration queueTarget) {
			this.queueTarget = requireDuration("busy-pool.shed.queue-target", queueTarget, "50ms");
		}

		public Duration getQueueInterval() {
			return this.queueInterval;
		}

		public void setQueueInterval(Duration queueInterval) {
			this.queueInterval = requireDuration("busy-pool.shed.queue-interval", queueInterval, "500ms");
		}

	}

	public static class Deadline {

		/**
		 * Whether to read client deadlines (x-envoy-expected-rq-timeout-ms, grpc-timeout)
		 * and answer 503 at once, without running it, a request whose deadline has passed
		 * or is shorter than what is left of it is expected to take.
		 */
		private boolean enabled = true;

		/**
		 * The deadline of a request that carries none, counted from the load balancer's
		 * request-start stamp (else from when a thread takes it). Unset: such a request has
		 * no deadline, and only the queue-time limit (busy-pool.shed.*) applies to it.
		 */
		private Duration defaultTimeout;

		/**
		 * Deadlines by path prefix for requests that carry none, overriding
		 * default-timeout; the longest matching prefix wins, for example
		 * busy-pool.deadline.paths[/api/report]=30s.
		 */
		private Map<String, Duration> paths = new LinkedHashMap<>();

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Duration getDefaultTimeout() {
			return this.defaultTimeout;
		}

		public void setDefaultTimeout(Duration defaultTimeout) {
			this.defaultTimeout = (defaultTimeout != null)
					? requireDeadline("busy-pool.deadline.default-timeout", defaultTimeout) : null;
		}

		public Map<String, Duration> getPaths() {
			return this.paths;
		}

		public void setPaths(Map<String, Duration> paths) {
			paths.forEach((path, timeout) -> {
				String property = "busy-pool.deadline.paths[" + path + "]";
				if (path == null || !path.startsWith("/")) {
					throw new InvalidBusyPoolPropertyException(property, path,
							"the key must be a path starting with /",
							"Set the deadline of a path prefix with the prefix in brackets, for example "
									+ "busy-pool.deadline.paths[/api/report]=30s.");
				}
				requireDeadline(property, timeout);
			});
			this.paths = new LinkedHashMap<>(paths);
		}

		static Duration requireDeadline(String property, Duration value) {
			if (value == null || value.toMillis() < 1 || value.compareTo(MAX_DURATION) > 0) {
				throw new InvalidBusyPoolPropertyException(property, value, "must be from 1ms to 1h",
						"Set " + property + " to how long clients wait, from 1ms to 1h, for example 3s.");
			}
			return value;
		}

	}

}

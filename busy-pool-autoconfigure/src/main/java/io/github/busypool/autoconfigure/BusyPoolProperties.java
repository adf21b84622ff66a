package io.github.busypool.autoconfigure;

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

}

package io.github.busypool.sample;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the sample app's downstream service.
 */
@ConfigurationProperties("sample.downstream")
public class SampleProperties {

	/**
	 * The URL that /api/quote calls. When empty, the embedded stand-in's quote URL.
	 */
	private String url = "";

	/**
	 * How long /api/quote waits for the downstream to connect and to answer.
	 */
	private Duration timeout = Duration.ofSeconds(5);

	private final Embedded embedded = new Embedded();

	public String getUrl() {
		return this.url;
	}

	public void setUrl(String url) {
		this.url = url;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	public Embedded getEmbedded() {
		return this.embedded;
	}

	/**
	 * A stand-in downstream service started in the same JVM, outside Tomcat's pool.
	 */
	public static class Embedded {

		/**
		 * Whether to start the stand-in downstream.
		 */
		private boolean enabled = true;

		/**
		 * The port of the stand-in (0 for any free port).
		 */
		private int port = 9090;

		/**
		 * The address the stand-in binds to.
		 */
		private String address = "127.0.0.1";

		/**
		 * How long the stand-in takes to answer, until changed at /latency.
		 */
		private Duration latency = Duration.ofMillis(20);

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public Duration getLatency() {
			return this.latency;
		}

		public void setLatency(Duration latency) {
			this.latency = latency;
		}

	}

}

package io.github.busypool.check.agent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.github.busypool.BusyState;

/**
 * Turns samples of a pool into HAProxy agent-check replies. The weight is
 * {@code speed x (1 + spare) / 2}: speed is how fast the server serves compared with its
 * normal (see {@link io.github.busypool.SpeedEstimate}), and spare is the spare capacity,
 * {@code 1 - demand / max} where demand is the tasks running or queued, smoothed
 * exponentially over time so that it does not jump on every sample. Speed dominates: a
 * server three times slower than usual weighs a tenth of a full but healthy one, so that
 * HAProxy stops refilling it while its peers can serve; spare capacity only tilts the
 * balance between healthy servers, which {@code balance leastconn} already does.
 * <ul>
 * <li>free: {@code ready up N%}, N from 1 to 100, 100 when idle and as fast as normal;</li>
 * <li>busy: {@code ready up 1%}, low but never {@code drain} or {@code down}, so that a
 * fleet busy everywhere still serves through HAProxy's queue;</li>
 * <li>draining: {@code drain}.</li>
 * </ul>
 * Replies may end with {@code maxconn:N}, the configured maxconn divided among the
 * balancers that poll (see {@link #balancers(int)}). Not thread-safe: the agent's one thread uses it.
 */
final class AgentReplies {

	static final int MIN_WEIGHT = 1;

	static final int MAX_WEIGHT = 100;

	private static final byte[] DRAIN = "drain\n".getBytes(StandardCharsets.US_ASCII);

	private final double tauNanos;

	private int maxconn;

	private int balancers = 1;

	private double spare = 1.0;

	private double speed = 1.0;

	private long lastSample;

	private boolean sampled;

	private int cachedWeight = -1;

	private byte[] cachedReply;

	/**
	 * Creates replies.
	 * @param smoothing the time constant of the smoothing, zero for none
	 * @param maxconn the {@code maxconn} to send, or 0 to send none
	 */
	AgentReplies(Duration smoothing, int maxconn) {
		this.tauNanos = smoothing.toNanos();
		this.maxconn = maxconn;
	}

	/**
	 * Creates replies that send no {@code maxconn} until {@link #maxconn(int)} is called.
	 * @param smoothing the time constant of the smoothing, zero for none
	 */
	AgentReplies(Duration smoothing) {
		this(smoothing, 0);
	}

	/**
	 * Sets the {@code maxconn} to send.
	 * @param maxconn the {@code maxconn}, or 0 to send none
	 */
	void maxconn(int maxconn) {
		this.maxconn = maxconn;
		this.cachedWeight = -1;
	}

	/**
	 * Adds a sample of the pool, for a server as fast as normal.
	 * @param demand tasks running or queued
	 * @param max the maximum number of threads
	 * @param nanos the time of the sample, from {@link System#nanoTime()}
	 */
	void sample(int demand, int max, long nanos) {
		sample(demand, max, 1.0, nanos);
	}

	/**
	 * Adds a sample of the pool.
	 * @param demand tasks running or queued
	 * @param max the maximum number of threads
	 * @param speed how fast the server serves compared with its normal, in (0, 1]; not
	 * smoothed here, since it is an estimate over time already
	 * @param nanos the time of the sample, from {@link System#nanoTime()}
	 */
	void sample(int demand, int max, double speed, long nanos) {
		this.speed = Math.max(0, Math.min(1, speed));
		double now = (max <= 0) ? 0 : Math.max(0, Math.min(1, 1 - (double) demand / max));
		if (!this.sampled || this.tauNanos <= 0) {
			this.spare = now;
		}
		else {
			double alpha = 1 - Math.exp(-(nanos - this.lastSample) / this.tauNanos);
			this.spare += alpha * (now - this.spare);
		}
		this.sampled = true;
		this.lastSample = nanos;
	}

	/**
	 * Sets how many load balancers poll, so that the {@code maxconn} each is sent adds up
	 * to the configured one: {@code ceil(maxconn / balancers)}, so never less than the
	 * configured one in total, and at most {@code balancers - 1} more.
	 * @param balancers the number of balancers, at least 1
	 */
	void balancers(int balancers) {
		if (balancers != this.balancers) {
			this.balancers = Math.max(1, balancers);
			this.cachedWeight = -1;
		}
	}

	/**
	 * Returns the {@code maxconn} each balancer is sent, 0 for none.
	 * @return the share of the configured maxconn
	 */
	int maxconnShare() {
		return (this.maxconn > 0) ? (this.maxconn + this.balancers - 1) / this.balancers : 0;
	}

	/**
	 * Returns the weight to announce in a given state.
	 * @param state the pool's state
	 * @return the weight, in percent of the configured weight, or 0 when draining
	 */
	int weight(BusyState state) {
		return switch (state) {
			case FREE -> (int) Math.max(MIN_WEIGHT,
					Math.min(MAX_WEIGHT, Math.round(this.speed * (1 + this.spare) / 2 * MAX_WEIGHT)));
			case BUSY -> MIN_WEIGHT;
			case DRAINING -> 0;
		};
	}

	/**
	 * Returns the reply for a given state, one line ending in a newline.
	 * @param state the pool's state
	 * @return the reply's bytes; do not modify
	 */
	byte[] reply(BusyState state) {
		if (state == BusyState.DRAINING) {
			return DRAIN;
		}
		int weight = weight(state);
		if (weight != this.cachedWeight) {
			int share = maxconnShare();
			String maxconn = (share > 0) ? " maxconn:" + share : "";
			this.cachedReply = ("ready up " + weight + "%" + maxconn + "\n").getBytes(StandardCharsets.US_ASCII);
			this.cachedWeight = weight;
		}
		return this.cachedReply;
	}

}

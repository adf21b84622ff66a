package io.github.busypool.speed;

/**
 * How fast a server serves now compared with its normal, from {@link ServiceTimes}
 * samples: a {@link #speed() speed} of 1 when it serves as fast as usual, falling steeply as
 * it slows, so that a load balancer stops refilling a server whose downstream has slowed
 * while its peers are fine. Relative to the server's own normal, so a fleet that is slow
 * everywhere keeps equal speeds: no server is taken out for being slow.
 * <p>
 * Three numbers, each for a reason:
 * <ul>
 * <li><em>normal</em>: the usual service time. It follows a fall within about
 * {@link #NORMAL_FALL_REQUESTS} requests (a cold JVM starts slow), and a rise only over
 * about {@link #NORMAL_RISE_REQUESTS}, so that a blip does not become the new normal, but a
 * lasting change does.</li>
 * <li><em>recent</em>: a peak-sensitive average (Finagle's peak EWMA). It jumps to a
 * slower sample at once, and falls to a faster one at once when that sample is a fast try
 * (its requests took no longer than the tolerance, and nothing running has outlived it);
 * other faster samples it follows within {@link #RECENT_FALL_NANOS}. With no completions
 * and no sign of slowness for {@link #HOLD_NANOS} it drifts back towards normal with a time
 * constant of {@link #RECENT_IDLE_NANOS}. A server weighed down for being slow still gets a
 * few requests, and the first of them that comes back fast restores its weight; the drift
 * is for a server that gets none, and it is slow, so that such a server is tried again a
 * little more at a time, never in a burst.</li>
 * <li><em>running</em>: the age of the second oldest running request, evidence before any
 * slow request completes; the second, so that one long request alone (a report, a
 * download) does not mark a healthy server slow. Once the server is known to be slow (a
 * slow answer in the last {@link #KNOWN_SLOW_NANOS}, and no fast try since), the oldest: a
 * try that runs long holds the weight down at once.</li>
 * </ul>
 * The slowness is {@code max(recent, running) / normal}; up to {@link #TOLERANCE} it
 * costs nothing, beyond it the speed is {@code (TOLERANCE / slowness)^6}: twice as slow
 * gives 18 %, 3 times slower 1.6 %, 10 times slower almost nothing. While the oldest running request is
 * already slower than the tolerance, the speed may fall but not rise: a request sent to
 * try the server again holds the speed down until it has shown whether the server is fast
 * again. Not thread-safe.
 */
public final class SpeedEstimate {

	/** How much slower than normal is still normal. */
	public static final double TOLERANCE = 1.5;

	private static final int STEEPNESS = 6;

	static final int NORMAL_FALL_REQUESTS = 10;

	static final int NORMAL_RISE_REQUESTS = 2000;

	static final long RECENT_FALL_NANOS = 300_000_000L;

	static final long RECENT_IDLE_NANOS = 2_000_000_000L;

	/** How long after the last sign of slowness the recent time starts to drift back. */
	static final long HOLD_NANOS = 5_000_000_000L;

	/** How long after a slow answer with no fast try since a server counts as known to be slow. */
	static final long KNOWN_SLOW_NANOS = 15_000_000_000L;

	private long lastSlow = Long.MIN_VALUE;

	private long lastSlowAnswer = Long.MIN_VALUE;

	private double normal;

	private double recent;

	private double slowness = 1;

	private double speed = 1;

	private long last;

	/**
	 * Adds a sample.
	 * @param sample what {@link ServiceTimes#sample} returned
	 * @param nowNanos when it was taken
	 */
	public void update(ServiceTimes.Sample sample, long nowNanos) {
		long elapsed = (this.normal > 0) ? Math.max(0, nowNanos - this.last) : 0;
		this.last = nowNanos;
		if (sample.completed() > 0) {
			double mean = (double) sample.completedNanos() / sample.completed();
			if (this.normal <= 0) {
				this.normal = mean;
				this.recent = mean;
				return;
			}
			boolean fast = fastTry(sample, mean);
			if (fast) {
				this.lastSlowAnswer = Long.MIN_VALUE;
			}
			this.recent = (mean > this.recent) ? mean : fast ? mean : follow(this.recent, mean, elapsed, RECENT_FALL_NANOS);
			int requests = (mean > this.normal) ? NORMAL_RISE_REQUESTS : NORMAL_FALL_REQUESTS;
			this.normal += (mean - this.normal) * Math.min(1.0, (double) sample.completed() / requests);
		}
		if (this.normal <= 0) {
			return;
		}
		boolean slowRunning = sample.running() >= 1 && sample.oldestNanos() > TOLERANCE * this.normal;
		boolean slowCompleted = sample.completed() > 0
				&& sample.completedNanos() > TOLERANCE * this.normal * sample.completed();
		if (slowRunning || slowCompleted) {
			this.lastSlow = nowNanos;
			if (slowCompleted) {
				this.lastSlowAnswer = nowNanos;
			}
		}
		else if (sample.completed() == 0 && (this.lastSlow == Long.MIN_VALUE || nowNanos - this.lastSlow > HOLD_NANOS)) {
			this.recent = follow(this.recent, this.normal, elapsed, RECENT_IDLE_NANOS);
		}
		// Once known to be slow, the oldest request counts alone: a try that runs long is
		// evidence that the server is still slow, before it completes.
		boolean knownSlow = this.recent > TOLERANCE * this.normal
				|| (this.lastSlowAnswer != Long.MIN_VALUE && nowNanos - this.lastSlowAnswer < KNOWN_SLOW_NANOS);
		double running = knownSlow ? sample.oldestNanos() : (sample.running() >= 2) ? sample.secondOldestNanos() : 0;
		this.slowness = Math.max(this.recent, running) / this.normal;
		double target = (this.slowness <= TOLERANCE) ? 1 : Math.pow(TOLERANCE / this.slowness, STEEPNESS);
		this.speed = (slowRunning && target > this.speed) ? this.speed : target;
	}

	/**
	 * Whether the sample shows the server fast again: its completions took no longer than
	 * the tolerance, and nothing running has outlived it. Such a try is trusted at once, so
	 * that a server weighed down for being slow regains its weight with its first fast
	 * answer, even when it is sent only a few.
	 */
	private boolean fastTry(ServiceTimes.Sample sample, double mean) {
		return mean <= TOLERANCE * this.normal
				&& (sample.running() == 0 || sample.oldestNanos() <= TOLERANCE * this.normal);
	}

	private static double follow(double from, double to, long elapsedNanos, long timeConstantNanos) {
		return from + (to - from) * (1 - Math.exp(-(double) elapsedNanos / timeConstantNanos));
	}

	/**
	 * Returns the speed: 1 when serving as fast as normal (or before anything was
	 * measured), towards 0 as the server slows.
	 * @return the speed, in (0, 1]
	 */
	public double speed() {
		return this.speed;
	}

	/**
	 * Returns how many times slower than normal the server serves now, 1 before anything
	 * was measured.
	 * @return the slowness
	 */
	public double slowness() {
		return this.slowness;
	}

	/**
	 * Returns the usual service time, 0 before any request completed.
	 * @return nanoseconds
	 */
	public double normalNanos() {
		return this.normal;
	}

	/**
	 * Returns the recent service time, 0 before any request completed.
	 * @return nanoseconds
	 */
	public double recentNanos() {
		return this.recent;
	}

}

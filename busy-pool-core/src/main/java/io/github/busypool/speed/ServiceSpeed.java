package io.github.busypool.speed;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link ServiceTimes} of a server's requests and the {@link SpeedEstimate} drawn from
 * them, safe to read from any thread: the agent refreshes it as it samples the pool, and a
 * meter registry reads it when it polls. A refresh closer than {@link #MIN_INTERVAL_NANOS}
 * to the one before reuses it, so that two readers do not make each other's samples tiny.
 */
public final class ServiceSpeed {

	static final long MIN_INTERVAL_NANOS = 50_000_000L;

	private final ServiceTimes times;

	private final SpeedEstimate estimate = new SpeedEstimate();

	private final ReentrantLock lock = new ReentrantLock();

	private volatile long refreshed;

	private volatile boolean ever;

	private volatile long predictedMillis;

	private volatile String predictedText = "0";

	private volatile double speed = 1;

	private volatile double slowness = 1;

	private volatile double normalNanos;

	private volatile double recentNanos;

	/**
	 * Creates one for a server that runs up to about {@code concurrency} requests at once.
	 * @param concurrency the pool's threads, or the concurrency limit
	 */
	public ServiceSpeed(int concurrency) {
		this.times = new ServiceTimes(concurrency);
	}

	/**
	 * Returns where request threads record their requests.
	 * @return the service times
	 */
	public ServiceTimes times() {
		return this.times;
	}

	/**
	 * Takes a sample and updates the estimate, unless one was taken moments ago.
	 * @param nowNanos now, from {@link System#nanoTime()}
	 */
	public void refresh(long nowNanos) {
		this.lock.lock();
		try {
			refreshLocked(nowNanos);
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Takes a sample and updates the estimate if one is due and no other thread is taking
	 * one: for a request thread, which must never wait for the lock.
	 * @param nowNanos now, from {@link System#nanoTime()}
	 */
	public void refreshIfDue(long nowNanos) {
		if (this.ever && nowNanos - this.refreshed < MIN_INTERVAL_NANOS) {
			return;
		}
		if (this.lock.tryLock()) {
			try {
				refreshLocked(nowNanos);
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	private void refreshLocked(long nowNanos) {
		if (this.ever && nowNanos - this.refreshed < MIN_INTERVAL_NANOS) {
			return;
		}
		this.ever = true;
		this.refreshed = nowNanos;
		this.estimate.update(this.times.sample(nowNanos), nowNanos);
		this.speed = this.estimate.speed();
		this.slowness = this.estimate.slowness();
		this.normalNanos = this.estimate.normalNanos();
		this.recentNanos = this.estimate.recentNanos();
		long predicted = Math.round(this.estimate.slowness() * this.estimate.normalNanos() / 1e6);
		if (predicted != this.predictedMillis) {
			this.predictedText = Long.toString(predicted);
			this.predictedMillis = predicted;
		}
	}

	/**
	 * Returns how long a request is expected to take now, as of the last refresh: the
	 * recent service time, or the age of the requests still running when that is longer
	 * (see {@link SpeedEstimate}). 0 before any request completed.
	 * @return milliseconds
	 */
	public long predictedMillis() {
		return this.predictedMillis;
	}

	/**
	 * Returns {@link #predictedMillis()} as decimal text, made once per refresh so that a
	 * request thread can send it in a header without allocating.
	 * @return the text
	 */
	public String predictedText() {
		return this.predictedText;
	}

	/**
	 * Returns how many requests are running now (begun and not yet ended).
	 * @return the count
	 */
	public long running() {
		return this.times.running();
	}

	/**
	 * Returns the speed as of the last refresh (see {@link SpeedEstimate#speed()}).
	 * @return the speed, in (0, 1]
	 */
	public double speed() {
		return this.speed;
	}

	/**
	 * Returns the slowness as of the last refresh (see {@link SpeedEstimate#slowness()}).
	 * @return how many times slower than normal
	 */
	public double slowness() {
		return this.slowness;
	}

	/**
	 * Returns the usual service time as of the last refresh, in seconds.
	 * @return seconds, 0 before any request completed
	 */
	public double normalSeconds() {
		return this.normalNanos / 1e9;
	}

	/**
	 * Returns the recent service time as of the last refresh, in seconds.
	 * @return seconds, 0 before any request completed
	 */
	public double recentSeconds() {
		return this.recentNanos / 1e9;
	}

}

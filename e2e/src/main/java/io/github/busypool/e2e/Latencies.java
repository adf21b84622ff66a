package io.github.busypool.e2e;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles, from an HdrHistogram: nanoseconds in, milliseconds out, to three
 * significant digits, from 1 µs to 10 minutes.
 */
final class Latencies {

	private static final long LOWEST_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

	private static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);

	private final Histogram histogram = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, 3);

	private Latencies() {
	}

	/**
	 * Latencies from nanoseconds; negative values (no latency, such as a request never sent)
	 * are left out, and values past 10 minutes count as 10 minutes.
	 * @param nanos the latencies
	 * @return their percentiles
	 */
	static Latencies ofNanos(long... nanos) {
		Latencies latencies = new Latencies();
		for (long each : nanos) {
			if (each >= 0) {
				latencies.histogram.recordValue(Math.min(Math.max(each, LOWEST_NANOS), HIGHEST_NANOS));
			}
		}
		return latencies;
	}

	/**
	 * The latency at a percentile, in milliseconds.
	 * @param percentile from 0 to 100
	 * @return the latency, or NaN when there is none
	 */
	double percentileMs(double percentile) {
		if (this.histogram.getTotalCount() == 0) {
			return Double.NaN;
		}
		return this.histogram.getValueAtPercentile(percentile) / 1e6;
	}

	long count() {
		return this.histogram.getTotalCount();
	}

}

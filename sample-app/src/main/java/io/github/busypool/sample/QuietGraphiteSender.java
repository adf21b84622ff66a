package io.github.busypool.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.function.LongSupplier;

import com.codahale.metrics.graphite.GraphiteSender;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A {@link GraphiteSender} that turns an unreachable carbon into a few readable log lines
 * instead of a stack trace at every step: one WARN when export starts failing, a reminder
 * at most every {@code reminderInterval} while it keeps failing, and one INFO when it
 * works again. Points that cannot be sent are dropped; the app never waits for carbon
 * beyond the sender's own connect timeout, on the reporter's thread.
 */
final class QuietGraphiteSender implements GraphiteSender {

	private static final Log logger = LogFactory.getLog(QuietGraphiteSender.class);

	private final GraphiteSender delegate;

	private final String target;

	private final long reminderMillis;

	private final LongSupplier clock;

	/** Whether the current report has failed: the rest of it is skipped. */
	private boolean failed;

	private boolean down;

	private long lostReports;

	private long downSince;

	private long lastLog;

	QuietGraphiteSender(GraphiteSender delegate, String target, Duration reminderInterval) {
		this(delegate, target, reminderInterval, System::currentTimeMillis);
	}

	QuietGraphiteSender(GraphiteSender delegate, String target, Duration reminderInterval, LongSupplier clock) {
		this.delegate = delegate;
		this.target = target;
		this.reminderMillis = reminderInterval.toMillis();
		this.clock = clock;
	}

	@Override
	public synchronized void connect() {
		this.failed = false;
		try {
			this.delegate.connect();
		}
		catch (IOException | RuntimeException ex) {
			fail(ex);
		}
	}

	@Override
	public synchronized void send(String name, String value, long timestamp) {
		if (this.failed) {
			return;
		}
		try {
			this.delegate.send(name, value, timestamp);
		}
		catch (IOException | RuntimeException ex) {
			fail(ex);
		}
	}

	@Override
	public synchronized void flush() {
		if (this.failed) {
			return;
		}
		try {
			this.delegate.flush();
		}
		catch (IOException | RuntimeException ex) {
			fail(ex);
			return;
		}
		if (this.down) {
			logger.info("Graphite export to " + this.target + " works again, after " + this.lostReports
					+ " lost report(s) over " + seconds(this.clock.getAsLong() - this.downSince) + " s");
			this.down = false;
			this.lostReports = 0;
		}
	}

	@Override
	public synchronized boolean isConnected() {
		return !this.failed && this.delegate.isConnected();
	}

	@Override
	public synchronized int getFailures() {
		return this.delegate.getFailures();
	}

	@Override
	public synchronized void close() {
		try {
			this.delegate.close();
		}
		catch (IOException | RuntimeException ex) {
			// Closing a connection that failed: nothing left to report.
		}
	}

	private void fail(Exception ex) {
		this.failed = true;
		this.lostReports++;
		long now = this.clock.getAsLong();
		if (!this.down) {
			this.down = true;
			this.downSince = now;
			this.lastLog = now;
			logger.warn("Graphite export to " + this.target + " failed (" + ex + "); the app is not affected, "
					+ "metrics are dropped until carbon answers again");
		}
		else if (now - this.lastLog >= this.reminderMillis) {
			this.lastLog = now;
			logger.warn("Graphite export to " + this.target + " still failing (" + ex + "): " + this.lostReports
					+ " report(s) lost over " + seconds(now - this.downSince) + " s");
		}
	}

	private static long seconds(long millis) {
		return Math.round(millis / 1000.0);
	}

}

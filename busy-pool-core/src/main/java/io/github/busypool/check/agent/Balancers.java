package io.github.busypool.check.agent;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;

/**
 * The HAProxy instances that poll the agent, told apart by the name each sends first
 * ({@code agent-send "balancer=${HAPROXY_LOCALPEER}\n"}: the peer name, which defaults to
 * the host name). Each of them caps the server at the {@code maxconn} the agent sends, so the
 * agent divides the threads among them.
 * <p>
 * A name is forgotten once it has been silent for four of its own polling intervals (at
 * least {@link #MIN_FORGET_NANOS}, and {@link #UNKNOWN_FORGET_NANOS} before its second
 * poll). At most {@link #MAX} names are kept; names beyond are ignored. Not thread-safe:
 * the agent's one thread uses it.
 */
final class Balancers {

	static final int MAX = 16;

	static final int MAX_NAME = 64;

	static final long MIN_FORGET_NANOS = 2_000_000_000L;

	static final long UNKNOWN_FORGET_NANOS = 10_000_000_000L;

	private final Map<String, long[]> polls = new HashMap<>();

	/**
	 * Records a poll.
	 * @param name the name the balancer sent
	 * @param nanos when, from {@link System#nanoTime()}
	 * @return whether the name is new
	 */
	boolean polled(String name, long nanos) {
		long[] last = this.polls.get(name);
		if (last != null) {
			last[1] = nanos - last[0];
			last[0] = nanos;
			return false;
		}
		if (this.polls.size() >= MAX) {
			return false;
		}
		this.polls.put(name, new long[] { nanos, -1 });
		return true;
	}

	/**
	 * Forgets the silent balancers.
	 * @param nanos now, from {@link System#nanoTime()}
	 * @return whether any was forgotten
	 */
	boolean forgetSilent(long nanos) {
		boolean forgot = false;
		for (Iterator<long[]> it = this.polls.values().iterator(); it.hasNext();) {
			long[] poll = it.next();
			long forget = (poll[1] < 0) ? UNKNOWN_FORGET_NANOS : Math.max(MIN_FORGET_NANOS, 4 * poll[1]);
			if (nanos - poll[0] > forget) {
				it.remove();
				forgot = true;
			}
		}
		return forgot;
	}

	/**
	 * Returns how many balancers poll, at least 1 (one that sends no name).
	 * @return the count
	 */
	int count() {
		return Math.max(1, this.polls.size());
	}

	/**
	 * Returns the names, sorted.
	 * @return the names
	 */
	TreeSet<String> names() {
		return new TreeSet<>(this.polls.keySet());
	}

	/** What a balancer's first line starts with, before its name. */
	static final String PREFIX = "balancer=";

	/**
	 * Reads a balancer's name from the first bytes a connection sent:
	 * {@code balancer=NAME}, NAME printable ASCII up to a newline, at most
	 * {@link #MAX_NAME} characters.
	 * @param bytes the buffer
	 * @param length how many bytes of it were read
	 * @return the name, or {@code null} when there is none
	 */
	static String name(byte[] bytes, int length) {
		int start = PREFIX.length();
		if (length <= start) {
			return null;
		}
		for (int i = 0; i < start; i++) {
			if (bytes[i] != PREFIX.charAt(i)) {
				return null;
			}
		}
		for (int i = start; i < length; i++) {
			byte b = bytes[i];
			if (b == '\n' || b == '\r') {
				return (i > start) ? new String(bytes, start, i - start, StandardCharsets.US_ASCII) : null;
			}
			if (b < 0x21 || b > 0x7e || i - start >= MAX_NAME) {
				return null;
			}
		}
		return null;
	}

}

package io.github.busypool.e2e;

import java.util.PriorityQueue;
import java.util.TreeSet;

/**
 * How many requests of a collapse a fleet could serve with hindsight: a scheduler that
 * knows, when it starts a call, how long that call will take (slow if it starts inside the
 * collapse), and runs, whenever a thread is free, the waiting request with the earliest
 * deadline among those that can still finish in time; a request that could not finish if
 * started now waits, while it may still be served after the collapse. No network, no
 * framework, no check. What it serves is achievable, so it is not an upper bound; it is a
 * high mark all the same: no real set-up knows the calls' times, and the only schedule
 * that could beat it idles threads just before the collapse ends, which needs to know when
 * it ends.
 */
final class PhysicalLimit {

	private PhysicalLimit() {
	}

	/**
	 * Simulates a collapse.
	 * @param rate requests per second, evenly spaced from 0
	 * @param count how many requests
	 * @param threads threads of the whole fleet
	 * @param normalMs a call's time outside the collapse
	 * @param slowMs a call's time when it starts inside the collapse
	 * @param fromMs when the collapse starts
	 * @param untilMs when it ends
	 * @param timeoutMs how long each client waits, from when its request was due
	 * @return how many requests end before their clients give up
	 */
	static int served(double rate, int count, int threads, long normalMs, long slowMs, long fromMs, long untilMs,
			long timeoutMs) {
		// Microseconds throughout. One arrival per period, so deadlines are distinct.
		long period = Math.round(1_000_000 / rate);
		long from = fromMs * 1000;
		long until = untilMs * 1000;
		PriorityQueue<Long> freeAt = new PriorityQueue<>();
		for (int t = 0; t < threads; t++) {
			freeAt.add(0L);
		}
		TreeSet<Long> deadlines = new TreeSet<>();
		int next = 0;
		int served = 0;
		while (next < count || !deadlines.isEmpty()) {
			long now = freeAt.poll();
			for (; next < count && next * period <= now; next++) {
				deadlines.add(next * period + timeoutMs * 1000);
			}
			long service = ((now >= from && now < until) ? slowMs : normalMs) * 1000;
			// What cannot finish even at normal speed is gone; the earliest that can finish now runs.
			deadlines.headSet(now + normalMs * 1000).clear();
			Long chosen = deadlines.ceiling(now + service);
			if (chosen != null) {
				deadlines.remove(chosen);
				served++;
				freeAt.add(now + service);
				continue;
			}
			// Nothing can start now: this thread waits for the next arrival or the collapse's end.
			long wake = (next < count) ? next * period : Long.MAX_VALUE;
			if (now < until) {
				wake = Math.min(wake, until);
			}
			if (wake == Long.MAX_VALUE) {
				break;
			}
			freeAt.add(Math.max(wake, now + 1));
		}
		return served;
	}

}

package io.github.busypool.e2e;

import java.util.PriorityQueue;

/**
 * How many requests of a collapse a fleet could serve at best: a scheduler that knows, when
 * it starts a call, how long that call will take (slow if it starts inside the collapse),
 * and that runs, whenever a thread is free, the waiting request with the earliest deadline
 * among those that can still finish in time. A request that could not finish if started
 * now stays waiting while it may still be served after the collapse. No network, no
 * framework, no check: an upper mark for any real set-up, which is what a real set-up is
 * compared with (the true optimum may idle a thread just before the collapse ends; this
 * does not, so it is close to, not above, the optimum).
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
		double period = 1000.0 / rate;
		// Times in microseconds, to keep integer arithmetic exact enough.
		PriorityQueue<Long> free = new PriorityQueue<>();
		for (int t = 0; t < threads; t++) {
			free.add(0L);
		}
		// Waiting requests by deadline.
		PriorityQueue<Long> waiting = new PriorityQueue<>();
		int next = 0;
		int served = 0;
		long now = 0;
		while (next < count || !waiting.isEmpty()) {
			long threadFree = free.peek();
			long nextArrival = (next < count) ? Math.round(next * period * 1000) : Long.MAX_VALUE;
			now = Math.max(now, threadFree);
			// Take in everything that has arrived by now.
			while (next < count && Math.round(next * period * 1000) <= now) {
				waiting.add(Math.round(next * period * 1000) + timeoutMs * 1000);
				next++;
			}
			long service = ((now >= fromMs * 1000 && now < untilMs * 1000) ? slowMs : normalMs) * 1000;
			// Requests that can no longer be served at all, even after the collapse.
			while (!waiting.isEmpty() && waiting.peek() < Math.max(now, 0) + normalMs * 1000) {
				waiting.poll();
			}
			Long chosen = null;
			if (!waiting.isEmpty() && now + service <= waiting.peek()) {
				chosen = waiting.poll();
			}
			else if (!waiting.isEmpty()) {
				// The earliest cannot make it if started now; a later one might.
				PriorityQueue<Long> skipped = new PriorityQueue<>();
				while (!waiting.isEmpty() && now + service > waiting.peek()) {
					skipped.add(waiting.poll());
				}
				if (!waiting.isEmpty()) {
					chosen = waiting.poll();
				}
				waiting.addAll(skipped);
			}
			if (chosen != null) {
				free.poll();
				free.add(now + service);
				served++;
				continue;
			}
			// Nothing to start now: wait for the next arrival or the end of the collapse.
			long wake = nextArrival;
			if (now < untilMs * 1000) {
				wake = Math.min(wake, untilMs * 1000);
			}
			if (wake == Long.MAX_VALUE) {
				break;
			}
			// The thread stays free; time moves on.
			free.poll();
			free.add(Math.max(wake, now));
		}
		return served;
	}

}

package io.github.busypool.speed;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * How long the application takes to serve requests: the ones that completed, and the age
 * of each one still running. Requests, not pool tasks: a read of a request that is still
 * arriving is a task too, but never reaches the application, so it is never counted here.
 * <p>
 * Recording costs a request thread one compare-and-set to claim a slot, one ordered write
 * to free it, and three striped additions; it allocates nothing. Each running request holds
 * one slot of a fixed table, claimed at {@link #begin} and freed at {@link #end}, so that
 * {@link #sample} can see how old the running requests are without any list. A request
 * that finds no free slot (more requests at once than the table was sized for) is still
 * counted when it completes, only its age is not seen.
 * <p>
 * {@link #sample} is for one reader at a time (it keeps the totals it last saw).
 */
public final class ServiceTimes {

	/** Slots per running request the table is sized for: a half-full table probes little. */
	private static final int SLOTS_PER_REQUEST = 2;

	private final AtomicLongArray starts;

	private final int mask;

	private final LongAdder begun = new LongAdder();

	private final LongAdder completed = new LongAdder();

	private final LongAdder completedNanos = new LongAdder();

	private long seenCompleted;

	private long seenNanos;

	/**
	 * Creates a table for up to about {@code concurrency} requests at once.
	 * @param concurrency the most requests that run at once (the pool's threads)
	 */
	public ServiceTimes(int concurrency) {
		int size = Integer.highestOneBit(Math.max(1, Math.min(1 << 16, concurrency * SLOTS_PER_REQUEST)) * 2 - 1);
		this.starts = new AtomicLongArray(size);
		this.mask = size - 1;
	}

	/**
	 * Records that a request starts running on the calling thread.
	 * @param startNanos now, from {@link System#nanoTime()}
	 * @return the slot to hand to {@link #end}, or -1 if none was free
	 */
	public int begin(long startNanos) {
		// 0 marks a free slot; a start of exactly 0 is stored as 1 (one nanosecond off).
		long start = (startNanos != 0) ? startNanos : 1;
		this.begun.increment();
		int first = (int) mix(Thread.currentThread().getId()) & this.mask;
		for (int i = 0; i <= this.mask; i++) {
			int slot = (first + i) & this.mask;
			if (this.starts.get(slot) == 0 && this.starts.compareAndSet(slot, 0, start)) {
				return slot;
			}
		}
		return -1;
	}

	/**
	 * Records that the request that began with {@code startNanos} completed.
	 * @param slot what {@link #begin} returned
	 * @param startNanos what was passed to {@link #begin}
	 * @param endNanos now, from {@link System#nanoTime()}
	 */
	public void end(int slot, long startNanos, long endNanos) {
		if (slot >= 0) {
			this.starts.lazySet(slot, 0);
		}
		this.completedNanos.add(Math.max(0, endNanos - startNanos));
		this.completed.increment();
	}

	/**
	 * Reads what happened since the last call: the requests that completed and their total
	 * time, and the ages of the running ones.
	 * @param nowNanos now, from {@link System#nanoTime()}
	 * @return the sample
	 */
	public synchronized Sample sample(long nowNanos) {
		// The count first: a completion seen in the count has its time in the sum, or adds
		// it a moment later to the next sample's.
		long count = this.completed.sum();
		long nanos = this.completedNanos.sum();
		int running = 0;
		long oldest = 0;
		long second = 0;
		for (int i = 0; i <= this.mask; i++) {
			long start = this.starts.get(i);
			if (start != 0) {
				running++;
				long age = Math.max(0, nowNanos - start);
				if (age > oldest) {
					second = oldest;
					oldest = age;
				}
				else if (age > second) {
					second = age;
				}
			}
		}
		Sample sample = new Sample(count - this.seenCompleted, Math.max(0, nanos - this.seenNanos), running, oldest,
				second);
		this.seenCompleted = count;
		this.seenNanos = nanos;
		return sample;
	}

	/**
	 * Returns how many requests have begun so far.
	 * @return the count
	 */
	public long begun() {
		return this.begun.sum();
	}

	/**
	 * Returns how many requests are running now: begun and not yet ended.
	 * @return the count, never negative
	 */
	public long running() {
		// Completions first: one that ends between the two reads is counted as running for
		// a moment, never as a completion that did not begin.
		long completed = this.completed.sum();
		return Math.max(0, this.begun.sum() - completed);
	}

	/** Spreads thread ids, which are often consecutive, over the table. */
	private static long mix(long id) {
		long h = id * 0x9E3779B97F4A7C15L;
		return h ^ (h >>> 32);
	}

	/**
	 * What {@link ServiceTimes#sample} saw.
	 *
	 * @param completed requests that completed since the sample before
	 * @param completedNanos their total time
	 * @param running requests running now
	 * @param oldestNanos the age of the oldest running request, 0 if none
	 * @param secondOldestNanos the age of the second oldest, 0 if fewer than two
	 */
	public record Sample(long completed, long completedNanos, int running, long oldestNanos,
			long secondOldestNanos) {
	}

}

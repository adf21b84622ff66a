package io.github.busypool.signal;

/**
 * The two counts the busy/free state is decided on, readable without a lock. The pool is
 * busy when {@code submitted() - threads() > tolerance}, which is
 * {@code queued - idle > tolerance}.
 */
public interface PoolCounts {

	/**
	 * Returns the tasks accepted and not yet finished (waiting plus running).
	 * @return the submitted count
	 */
	int submitted();

	/**
	 * Returns how many tasks may run at once now (the pool's threads, or the permits).
	 * @return the thread count
	 */
	int threads();

}

/**
 * busy-pool's API: the {@link io.github.busypool.BusyPool} to inject, its states, transitions, listeners and snapshots. The only package that is API; every other package of busy-pool is its own and may change between versions.
 */
@NullMarked
package io.github.busypool;

import org.jspecify.annotations.NullMarked;

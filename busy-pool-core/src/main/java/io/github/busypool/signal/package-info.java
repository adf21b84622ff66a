/**
 * The one signalled pool ({@link io.github.busypool.signal.SignalledPool}) for every container and threading model, composed with a per-container {@link io.github.busypool.signal.PoolAdapter}: the busy/free state machine, its transition log and listener thread, shutdown's states. Not API.
 */
@NullMarked
package io.github.busypool.signal;

import org.jspecify.annotations.NullMarked;

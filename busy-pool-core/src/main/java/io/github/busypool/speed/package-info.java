/**
 * Service times and the speed estimate that the agent and the deadline admission read. Not API.
 */
@NullMarked
package io.github.busypool.speed;

import org.jspecify.annotations.NullMarked;

/**
 * Decisions taken before a request runs: shedding by queue time and by client deadline, and finishing the queue on shutdown. Not API.
 */
@NullMarked
package io.github.busypool.shed;

import org.jspecify.annotations.NullMarked;

/**
 * The HAProxy agent: a NIO server on a thread of its own, and its replies. Not API.
 */
@NullMarked
package io.github.busypool.check.agent;

import org.jspecify.annotations.NullMarked;

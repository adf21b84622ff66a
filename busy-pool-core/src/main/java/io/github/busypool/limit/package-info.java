/**
 * The concurrency limit that stands for a pool on virtual threads. Not API.
 */
@NullMarked
package io.github.busypool.limit;

import org.jspecify.annotations.NullMarked;

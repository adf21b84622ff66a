/**
 * The servlet filters: checks answered before dispatch, shedding, service times, the concurrency limit. Not API.
 */
@NullMarked
package io.github.busypool.servlet;

import org.jspecify.annotations.NullMarked;

/**
 * What HAProxy says of this server ({@code http-check send-state}). Not API.
 */
@NullMarked
package io.github.busypool.check.haproxy;

import org.jspecify.annotations.NullMarked;

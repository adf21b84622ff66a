/**
 * busy-pool on embedded Jetty 12: the signalled thread pool and the check connector. Not API.
 */
@NullMarked
package io.github.busypool.jetty;

import org.jspecify.annotations.NullMarked;

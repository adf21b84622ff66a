/**
 * busy-pool on embedded Tomcat: the signalled executor and the check connector. Not API.
 */
@NullMarked
package io.github.busypool.tomcat;

import org.jspecify.annotations.NullMarked;

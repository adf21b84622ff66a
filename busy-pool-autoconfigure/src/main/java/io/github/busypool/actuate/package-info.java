/**
 * Health and Micrometer meters. Not API.
 */
@NullMarked
package io.github.busypool.actuate;

import org.jspecify.annotations.NullMarked;

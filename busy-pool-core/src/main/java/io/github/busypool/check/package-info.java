/**
 * When checks say busy, and who asked. Not API.
 */
@NullMarked
package io.github.busypool.check;

import org.jspecify.annotations.NullMarked;

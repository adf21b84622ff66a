/**
 * Spring Boot auto-configuration of busy-pool, its properties and failure reports. Not API.
 */
@NullMarked
package io.github.busypool.autoconfigure;

import org.jspecify.annotations.NullMarked;

package io.github.busypool.autoconfigure;

/**
 * Thrown at startup on a Spring Boot line busy-pool does not support.
 */
class UnsupportedBootVersionException extends RuntimeException {

	private final String bootVersion;

	UnsupportedBootVersionException(String bootVersion) {
		super("busy-pool supports Spring Boot " + BootVersionCheck.SUPPORTED + "; this application runs Spring Boot "
				+ bootVersion);
		this.bootVersion = bootVersion;
	}

	/**
	 * Returns the version of Spring Boot the application runs.
	 * @return the version
	 */
	String getBootVersion() {
		return this.bootVersion;
	}

}

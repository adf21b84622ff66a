package io.github.busypool.sample;

import java.io.IOException;

/**
 * The stand-in downstream could not listen on its address and port.
 */
class DownstreamPortException extends RuntimeException {

	private final String address;

	private final int port;

	DownstreamPortException(String address, int port, IOException cause) {
		super("The stand-in downstream could not listen on " + address + ":" + port, cause);
		this.address = address;
		this.port = port;
	}

	String getAddress() {
		return this.address;
	}

	int getPort() {
		return this.port;
	}

}

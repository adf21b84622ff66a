package io.github.busypool.check;

/**
 * Tells the check filter which requests arrived on a dedicated check port.
 */
public interface CheckPort {

	/**
	 * Whether a request arrived on the check port.
	 * @param requestLocalPort the local port of the request
	 * @return whether that is the check port
	 */
	boolean serves(int requestLocalPort);

	/**
	 * Returns the port it listens on, once started (the configured one before, -1 when
	 * that is 0).
	 * @return the port
	 */
	int getPort();

}

package io.github.busypool.check;

/**
 * Tells the check filter which requests arrived on a dedicated check port.
 */
@FunctionalInterface
public interface CheckPort {

	/**
	 * Whether a request arrived on the check port.
	 * @param requestLocalPort the local port of the request
	 * @return whether that is the check port
	 */
	boolean serves(int requestLocalPort);

}

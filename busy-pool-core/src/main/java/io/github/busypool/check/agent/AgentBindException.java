package io.github.busypool.check.agent;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

/**
 * The agent could not listen where it was told to: the port is taken, or the address is
 * not one of this host's.
 */
public class AgentBindException extends IllegalStateException {

	private final transient InetSocketAddress address;

	AgentBindException(InetSocketAddress address, IOException cause) {
		super("busy-pool agent cannot listen on " + address.getHostString() + ":" + address.getPort() + ": "
				+ cause.getMessage(), cause);
		this.address = address;
	}

	/**
	 * Returns where the agent tried to listen.
	 * @return the address and port
	 */
	public InetSocketAddress getAddress() {
		return this.address;
	}

	/**
	 * Whether the port is taken, as opposed to the address not being this host's (or
	 * anything else).
	 * @return whether the port is in use
	 */
	public boolean isPortInUse() {
		return getCause() instanceof BindException && String.valueOf(getCause().getMessage()).contains("in use");
	}

}

package io.github.busypool.shed;

/**
 * The web server's main connector, as far as shutdown needs it: it can stop accepting new
 * connections while it still serves the ones it has.
 */
public interface MainConnector {

	/**
	 * Closes the main connector's server socket without pausing it: it accepts no new
	 * connection, and still reads and serves the requests of the connections it has.
	 * Closing twice does nothing.
	 */
	void stopAccepting();

}

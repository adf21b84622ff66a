package io.github.busypool.e2e;

import java.nio.file.Path;

/**
 * How the fleet is run: with or without busy-pool, and which HAProxy configuration is in
 * front. The busy-pool modes use the README's recipe files as they are.
 */
enum Mode {

	/** The starter off; HAProxy's default check, {@code OPTIONS /}, renders the home page. */
	STOCK("stock", "e2e/haproxy/stock.cfg", false),

	/**
	 * The starter off, behind what an expert writes without it: leastconn, maxconn = threads,
	 * timeout queue below the client's, readiness checked on the management port.
	 */
	EXPERT("expert", "e2e/haproxy/expert.cfg", false),

	/** busy-pool, checked on its check port: {@code haproxy/check-port.cfg}. */
	CHECK_PORT("check-port", "haproxy/check-port.cfg", true),

	/** busy-pool, weights and maxconn from its agent: {@code haproxy/agent.cfg}. */
	AGENT("agent", "haproxy/agent.cfg", true),

	/** busy-pool's filter checked on the main port: {@code haproxy/httpchk.cfg}. */
	HTTPCHK("httpchk", "haproxy/httpchk.cfg", true);

	final String label;

	final String recipe;

	final boolean busyPool;

	Mode(String label, String recipe, boolean busyPool) {
		this.label = label;
		this.recipe = recipe;
		this.busyPool = busyPool;
	}

	/** The recipe file; {@code -Dbench.recipe.<label>=FILE} tries another one instead. */
	Path recipe() {
		String other = System.getProperty("bench.recipe." + this.label);
		return (other != null) ? Path.of(other) : Ports.repository().resolve(this.recipe);
	}

}

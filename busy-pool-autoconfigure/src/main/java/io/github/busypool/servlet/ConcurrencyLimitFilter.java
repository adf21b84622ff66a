package io.github.busypool.servlet;

import io.github.busypool.limit.ConcurrencyLimit;
import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Runs each request inside a {@link ConcurrencyLimit}: it waits for a permit, in arrival
 * order, before the rest of the chain runs, and gives it back when the chain returns.
 * <p>
 * Registered after the check filter, so checks never wait for a permit. Only the request
 * dispatch holds a permit: the rest of an async request, once its first dispatch has
 * returned, runs outside the limit, as it runs outside Tomcat's pool on platform threads.
 */
public class ConcurrencyLimitFilter extends HttpFilter {

	private final ConcurrencyLimit limit;

	/**
	 * Creates a filter.
	 * @param limit the limit to run requests in
	 */
	public ConcurrencyLimitFilter(ConcurrencyLimit limit) {
		this.limit = limit;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		this.limit.enter();
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.limit.exit();
		}
	}

}

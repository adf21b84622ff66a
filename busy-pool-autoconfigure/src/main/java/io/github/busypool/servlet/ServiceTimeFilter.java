package io.github.busypool.servlet;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.github.busypool.speed.ServiceTimes;

/**
 * Times every request the application runs, into {@link ServiceTimes}: the last of
 * busy-pool's filters, so that checks and the requests it sheds, answered in microseconds,
 * are not counted as the application's work. An asynchronous request counts until its
 * thread is handed back, not until it completes.
 */
public class ServiceTimeFilter extends HttpFilter {

	private final ServiceTimes times;

	/**
	 * Creates a filter.
	 * @param times where requests are recorded
	 */
	public ServiceTimeFilter(ServiceTimes times) {
		this.times = times;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		long start = System.nanoTime();
		int slot = this.times.begin(start);
		try {
			chain.doFilter(request, response);
		}
		finally {
			this.times.end(slot, start, System.nanoTime());
		}
	}

}

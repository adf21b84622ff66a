package io.github.busypool.shed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.github.busypool.check.PlainAnswer;

/**
 * Offers every request to a {@link Shedder} just before the application would run it: one
 * it sheds (it waited too long in the load balancer's queue and ours, or the application
 * is stopping and cannot run it in time) gets a small {@code 503} and never reaches the
 * application.
 * <p>
 * Registered after the check filter, which answers checks and the check port first, and,
 * with virtual threads, after the concurrency limit, so that the wait for a permit counts
 * as it does in Tomcat's queue.
 */
public class ShedFilter extends HttpFilter {

	private static final byte[] BUSY = "busy\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DRAINING = "draining\n".getBytes(StandardCharsets.US_ASCII);

	private final Shedder shedder;

	private final String requestStartHeader;

	/**
	 * Creates a filter.
	 * @param shedder the shedder
	 * @param requestStartHeader the header that carries the load balancer's request-start
	 * stamp
	 */
	public ShedFilter(Shedder shedder, String requestStartHeader) {
		this.shedder = shedder;
		this.requestStartHeader = requestStartHeader;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		ShedReason reason = this.shedder.decide(request.getHeader(this.requestStartHeader));
		if (reason == null) {
			chain.doFilter(request, response);
			return;
		}
		if (reason == ShedReason.SHUTDOWN) {
			response.setHeader("Connection", "close");
		}
		PlainAnswer.write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
				(reason == ShedReason.SHUTDOWN) ? DRAINING : BUSY, !"HEAD".equals(request.getMethod()));
	}

}

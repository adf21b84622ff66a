package io.github.busypool.servlet;

import io.github.busypool.shed.ClientDeadline;
import io.github.busypool.shed.DeadlineDefaults;
import io.github.busypool.shed.ShedReason;
import io.github.busypool.shed.Shedder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.github.busypool.speed.ServiceSpeed;

/**
 * Offers every request to a {@link Shedder} just before the application would run it: one
 * it sheds (its client's deadline has passed or cannot be met, it waited too long in the
 * load balancer's queue and ours, or the application is stopping and cannot run it in
 * time) gets a small {@code 503} and never reaches the application.
 * <p>
 * A request's deadline is read from {@link ClientDeadline}'s headers, else taken from the
 * {@link DeadlineDefaults}. A request the load balancer stamped, or that carries a
 * deadline, is answered with {@value #SERVICE_TIME_HEADER}: how long a request is
 * expected to take here now, in milliseconds, and {@value #STARTED_HEADER}: when this one
 * started, so that the load balancer can refuse at its door a request that could not be
 * served before its deadline (the shipped HAProxy recipes read both and remove them).
 * <p>
 * Registered after the check filter, which answers checks and the check port first, and,
 * with virtual threads, after the concurrency limit, so that the wait for a permit counts
 * as it does in Tomcat's queue.
 */
public class ShedFilter extends HttpFilter {

	/** The response header that tells the load balancer the predicted service time. */
	public static final String SERVICE_TIME_HEADER = "X-Busy-Pool-Service-Ms";

	/**
	 * The response header that tells the load balancer when the application started the
	 * request (milliseconds since the epoch), so that it can time the request itself: the
	 * prediction was made when the request started, and is a service time old when the
	 * answer arrives.
	 */
	public static final String STARTED_HEADER = "X-Busy-Pool-Started";

	private static final byte[] BUSY = "busy\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] DRAINING = "draining\n".getBytes(StandardCharsets.US_ASCII);

	private final Shedder shedder;

	private final String requestStartHeader;

	private final DeadlineDefaults defaults;

	private final ServiceSpeed speed;

	/**
	 * Creates a filter that reads no deadline.
	 * @param shedder the shedder
	 * @param requestStartHeader the header that carries the load balancer's request-start
	 * stamp
	 */
	public ShedFilter(Shedder shedder, String requestStartHeader) {
		this(shedder, requestStartHeader, null, null);
	}

	/**
	 * Creates a filter.
	 * @param shedder the shedder
	 * @param requestStartHeader the header that carries the load balancer's request-start
	 * stamp
	 * @param defaults the deadlines of requests that carry none, or {@code null} to read
	 * no deadline at all
	 * @param speed the estimate to tell the load balancer, or {@code null} to tell none
	 */
	public ShedFilter(Shedder shedder, String requestStartHeader, DeadlineDefaults defaults, ServiceSpeed speed) {
		this.shedder = shedder;
		this.requestStartHeader = requestStartHeader;
		this.defaults = defaults;
		this.speed = speed;
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		String requestStart = request.getHeader(this.requestStartHeader);
		long deadline = deadline(request);
		if (this.speed != null && (requestStart != null || deadline > 0)) {
			this.speed.refreshIfDue(System.nanoTime());
			response.setHeader(SERVICE_TIME_HEADER, this.speed.predictedText());
			response.setHeader(STARTED_HEADER, Long.toString(System.currentTimeMillis()));
		}
		ShedReason reason = this.shedder.decide(requestStart, deadline);
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

	private long deadline(HttpServletRequest request) {
		if (this.defaults == null) {
			return ClientDeadline.ABSENT;
		}
		long millis = ClientDeadline.millis(request.getHeader(ClientDeadline.ENVOY_HEADER),
				request.getHeader(ClientDeadline.GRPC_HEADER));
		if (millis == ClientDeadline.INVALID) {
			this.shedder.invalidDeadline();
		}
		if (millis < 0 && this.defaults.any()) {
			millis = this.defaults.millisFor(request.getRequestURI());
		}
		return millis;
	}

}

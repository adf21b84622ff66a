package io.github.busypool.servlet;

import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckPort;
import io.github.busypool.check.CheckVia;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.github.busypool.BusyState;
import io.github.busypool.check.haproxy.HaproxyView;
import io.github.busypool.check.haproxy.StateReporters;

/**
 * Answers a load balancer's check with the pool's {@link BusyState} ({@code 200 free},
 * {@code 503 busy}, {@code 503 draining}) before anything else runs, and passes every
 * other request through untouched.
 * <p>
 * It answers {@code GET}, {@code HEAD} and {@code OPTIONS} on the check path and, unless
 * turned off, HAProxy's default check {@code OPTIONS /} when it is not a CORS preflight.
 * Other methods on the check path get a small {@code 405}.
 * <p>
 * On a dedicated check port (see {@link CheckPort}) it answers the check the same way and
 * everything else with a small {@code 404}, so that port never serves the application.
 * <p>
 * When HAProxy sends {@code X-Haproxy-Server-State} with its checks, the header is
 * recorded in a {@link HaproxyView} if {@link StateReporters} accepts the sender; a
 * malformed one is ignored.
 * <p>
 * Registered for error dispatches too, it keeps the check port's errors (a {@code TRACE}
 * that Tomcat refuses, say) off the application's error page: they get a small answer with
 * the status Tomcat chose, and nothing of the application runs on the check threads.
 * <p>
 * What it cannot do: on the main port the check still runs on a pool thread, so when
 * the pool is saturated the check waits in the same queue as the traffic. A dedicated
 * check port avoids that.
 */
public class BusyPoolCheckFilter extends HttpFilter {

	private static final byte[][] BODIES = new byte[BusyState.values().length][];

	/** The header HAProxy sends with {@code http-check send-state}. */
	public static final String SERVER_STATE_HEADER = "X-Haproxy-Server-State";

	private static final byte[] NOT_FOUND = "not found\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] METHOD_NOT_ALLOWED = "method not allowed\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] BAD_REQUEST = "bad request\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] ERROR = "error\n".getBytes(StandardCharsets.US_ASCII);

	static {
		for (BusyState state : BusyState.values()) {
			BODIES[state.ordinal()] = (state.label() + "\n").getBytes(StandardCharsets.US_ASCII);
		}
	}

	private final Supplier<BusyState> state;

	private final String path;

	private final boolean haproxyDefault;

	private final CheckCounters counters;

	private final HaproxyView haproxy;

	private final CheckPort checkPort;

	private StateReporters reporters = StateReporters.anyone();

	private String checkUri;

	private String rootUri;

	/**
	 * Creates a filter.
	 * @param state where the current state comes from
	 * @param path the check path, relative to the context path
	 * @param haproxyDefault whether to answer {@code OPTIONS /} too
	 * @param counters where answered checks are counted
	 */
	public BusyPoolCheckFilter(Supplier<BusyState> state, String path, boolean haproxyDefault,
			CheckCounters counters) {
		this(state, path, haproxyDefault, counters, null, null);
	}

	/**
	 * Creates a filter that also records HAProxy's view and serves a check port.
	 * @param state where the current state comes from
	 * @param path the check path, relative to the context path
	 * @param haproxyDefault whether to answer {@code OPTIONS /} too
	 * @param counters where answered checks are counted
	 * @param haproxy where {@code X-Haproxy-Server-State} headers are recorded, or
	 * {@code null}
	 * @param checkPort the dedicated check port, or {@code null}
	 */
	public BusyPoolCheckFilter(Supplier<BusyState> state, String path, boolean haproxyDefault,
			CheckCounters counters, HaproxyView haproxy, CheckPort checkPort) {
		this.state = state;
		this.path = path;
		this.haproxyDefault = haproxyDefault;
		this.counters = counters;
		this.haproxy = haproxy;
		this.checkPort = checkPort;
		this.checkUri = path;
		this.rootUri = "/";
	}

	@Override
	public void init(FilterConfig config) throws ServletException {
		super.init(config);
		String contextPath = config.getServletContext().getContextPath();
		this.checkUri = contextPath + this.path;
		this.rootUri = contextPath + "/";
	}

	@Override
	protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws IOException, ServletException {
		if (request.getDispatcherType() == DispatcherType.ERROR) {
			if (onCheckPort(request)) {
				error(request, response);
			}
			else {
				chain.doFilter(request, response);
			}
			return;
		}
		String uri = request.getRequestURI();
		if (uri.equals(this.checkUri)) {
			String method = request.getMethod();
			if (isCheckMethod(method)) {
				answer(method, request, response);
			}
			else {
				refuse(response);
			}
		}
		else if (this.haproxyDefault && uri.equals(this.rootUri) && "OPTIONS".equals(request.getMethod())
				&& !isCorsPreflight(request)) {
			answer("OPTIONS", request, response);
		}
		else if (onCheckPort(request)) {
			PlainAnswer.write(response, HttpServletResponse.SC_NOT_FOUND, NOT_FOUND,
					!"HEAD".equals(request.getMethod()));
		}
		else {
			chain.doFilter(request, response);
		}
	}

	/**
	 * Sets who may report HAProxy's view; anyone by default.
	 * @param reporters the policy
	 */
	public void setStateReporters(StateReporters reporters) {
		this.reporters = reporters;
	}

	private static boolean isCheckMethod(String method) {
		return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
	}

	private static boolean isCorsPreflight(HttpServletRequest request) {
		return request.getHeader("Origin") != null && request.getHeader("Access-Control-Request-Method") != null;
	}

	private boolean onCheckPort(HttpServletRequest request) {
		return this.checkPort != null && this.checkPort.serves(request.getLocalPort());
	}

	private void answer(String method, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		BusyState current = this.state.get();
		boolean onCheckPort = onCheckPort(request);
		this.counters.increment(onCheckPort ? CheckVia.PORT : CheckVia.FILTER, current);
		if (this.haproxy != null) {
			String header = request.getHeader(SERVER_STATE_HEADER);
			if (header != null && this.reporters.accepts(onCheckPort, request.getRemoteAddr())) {
				this.haproxy.record(header);
			}
		}
		PlainAnswer.write(response, (current == BusyState.FREE) ? HttpServletResponse.SC_OK
				: HttpServletResponse.SC_SERVICE_UNAVAILABLE, BODIES[current.ordinal()], !"HEAD".equals(method));
	}

	/** A small answer for an error on the check port, whatever Tomcat's status was. */
	private static void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (response.isCommitted()) {
			return;
		}
		Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
		int status = (code instanceof Integer value && value >= 400 && value < 600) ? value
				: HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
		byte[] body = switch (status) {
			case HttpServletResponse.SC_BAD_REQUEST -> BAD_REQUEST;
			case HttpServletResponse.SC_NOT_FOUND -> NOT_FOUND;
			case HttpServletResponse.SC_METHOD_NOT_ALLOWED -> METHOD_NOT_ALLOWED;
			default -> ERROR;
		};
		response.resetBuffer();
		PlainAnswer.write(response, status, body, !"HEAD".equals(request.getMethod()));
	}

	private static void refuse(HttpServletResponse response) throws IOException {
		response.setHeader("Allow", "GET, HEAD, OPTIONS");
		PlainAnswer.write(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED, true);
	}

}

package io.github.busypool.servlet;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes the small plain-text answers that busy-pool gives instead of running a request:
 * a status, a short body, and nothing cached.
 */
public final class PlainAnswer {

	private PlainAnswer() {
	}

	/**
	 * Writes an answer.
	 * @param response the response
	 * @param status the status
	 * @param body the body, US-ASCII
	 * @param withBody whether to write the body ({@code false} for {@code HEAD})
	 * @throws IOException if the body cannot be written
	 */
	public static void write(HttpServletResponse response, int status, byte[] body, boolean withBody)
			throws IOException {
		response.setStatus(status);
		response.setContentType("text/plain");
		response.setHeader("Cache-Control", "no-store");
		response.setContentLength(body.length);
		if (withBody) {
			response.getOutputStream().write(body);
		}
	}

}

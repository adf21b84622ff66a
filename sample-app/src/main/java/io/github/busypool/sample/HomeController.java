package io.github.busypool.sample;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

import io.github.busypool.BusyPool;
import io.github.busypool.PoolSnapshot;

/**
 * The home page: real HTML, the kind of page a health check should never render. Like many
 * apps whose root route answers any method, it renders for {@code OPTIONS /} as well, which
 * is what HAProxy's default check sends: without busy-pool's filter (or with
 * {@code busy-pool.enabled=false}) every check costs a page.
 */
@RestController
class HomeController {

	private final ObjectProvider<BusyPool> pool;

	private final AtomicLong renders = new AtomicLong();

	HomeController(ObjectProvider<BusyPool> pool) {
		this.pool = pool;
	}

	@RequestMapping(path = "/", method = { RequestMethod.GET, RequestMethod.HEAD, RequestMethod.OPTIONS },
			produces = MediaType.TEXT_HTML_VALUE)
	String home() {
		long n = this.renders.incrementAndGet();
		StringBuilder html = new StringBuilder(1024);
		html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">")
			.append("<title>busy-pool sample</title></head>\n<body>\n<h1>busy-pool sample</h1>\n")
			.append("<p>This page was rendered ")
			.append(n)
			.append(" times. Rendered at ")
			.append(HtmlUtils.htmlEscape(Instant.now().toString()))
			.append(".</p>\n<table>\n");
		BusyPool pool = this.pool.getIfAvailable();
		if (pool != null) {
			PoolSnapshot snapshot = pool.snapshot();
			row(html, "state", snapshot.state().label());
			row(html, "active threads", snapshot.activeThreads());
			row(html, "max threads", snapshot.maxThreads());
			row(html, "queued", snapshot.queued());
		}
		else {
			row(html, "busy-pool", "disabled");
		}
		html.append("</table>\n<ul>\n")
			.append("<li><a href=\"/api/quote\">/api/quote</a>: calls the downstream</li>\n")
			.append("<li><a href=\"/sleep?ms=1000\">/sleep?ms=1000</a>: holds a worker thread</li>\n")
			.append("<li><a href=\"/busy-pool/check\">/busy-pool/check</a>: the load balancer's check</li>\n")
			.append("</ul>\n</body>\n</html>\n");
		return html.toString();
	}

	private static void row(StringBuilder html, String name, Object value) {
		html.append("<tr><th>").append(name).append("</th><td>").append(value).append("</td></tr>\n");
	}

	long renders() {
		return this.renders.get();
	}

}

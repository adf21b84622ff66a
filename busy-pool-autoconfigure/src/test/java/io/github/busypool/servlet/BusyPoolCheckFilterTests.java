package io.github.busypool.servlet;

import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockFilterConfig;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.mock.web.MockServletContext;

import io.github.busypool.BusyState;

import static org.assertj.core.api.Assertions.assertThat;

class BusyPoolCheckFilterTests {

	private final AtomicReference<BusyState> state = new AtomicReference<>(BusyState.FREE);

	private final CheckCounters counters = new CheckCounters();

	private BusyPoolCheckFilter filter;

	@BeforeEach
	void setUp() throws Exception {
		this.filter = filter("", "/busy-pool/check", true);
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD", "OPTIONS" })
	void answersCheckPathForCheckMethods(String method) throws Exception {
		MockHttpServletResponse response = run(method, "/busy-pool/check");
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentType()).isEqualTo("text/plain");
		assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
		assertThat(response.getContentLength()).isEqualTo(5);
		assertThat(response.getContentAsString()).isEqualTo("HEAD".equals(method) ? "" : "free\n");
		assertThat(this.counters.count(CheckVia.FILTER, BusyState.FREE)).isEqualTo(1);
	}

	@Test
	void answersBusyAndDrainingWith503() throws Exception {
		this.state.set(BusyState.BUSY);
		MockHttpServletResponse busy = run("GET", "/busy-pool/check");
		assertThat(busy.getStatus()).isEqualTo(503);
		assertThat(busy.getContentAsString()).isEqualTo("busy\n");
		this.state.set(BusyState.DRAINING);
		MockHttpServletResponse draining = run("OPTIONS", "/");
		assertThat(draining.getStatus()).isEqualTo(503);
		assertThat(draining.getContentAsString()).isEqualTo("draining\n");
		assertThat(this.counters.count(CheckVia.FILTER, BusyState.BUSY)).isEqualTo(1);
		assertThat(this.counters.count(CheckVia.FILTER, BusyState.DRAINING)).isEqualTo(1);
	}

	@Test
	void answersHaproxyDefaultCheck() throws Exception {
		MockHttpServletResponse response = run("OPTIONS", "/");
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo("free\n");
	}

	@Test
	void passesCorsPreflightToRootThrough() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("OPTIONS", "/");
		request.addHeader("Origin", "https://example.com");
		request.addHeader("Access-Control-Request-Method", "GET");
		assertThat(passedThrough(request)).isTrue();
	}

	@Test
	void answersOptionsWithOnlyOneCorsHeaderAsACheck() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("OPTIONS", "/");
		request.addHeader("Origin", "https://example.com");
		assertThat(passedThrough(request)).isFalse();
	}

	@Test
	void passesOptionsRootThroughWhenHaproxyDefaultIsOff() throws Exception {
		this.filter = filter("", "/busy-pool/check", false);
		assertThat(passedThrough(new MockHttpServletRequest("OPTIONS", "/"))).isTrue();
		assertThat(passedThrough(new MockHttpServletRequest("GET", "/busy-pool/check"))).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/busy-pool/check/", "/busy-pool/checks", "/busy-pool", "/api/quote",
			"/busy-pool//check", "/BUSY-POOL/CHECK" })
	void passesOtherPathsThrough(String uri) throws Exception {
		assertThat(passedThrough(new MockHttpServletRequest("GET", uri))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "POST", "PUT", "DELETE", "PATCH", "TRACE" })
	void passesOtherMethodsOnRootThrough(String method) throws Exception {
		assertThat(passedThrough(new MockHttpServletRequest(method, "/"))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PUT", "DELETE", "PATCH", "TRACE", "BREW" })
	void refusesOtherMethodsOnCheckPathWithASmall405(String method) throws Exception {
		MockHttpServletResponse response = run(method, "/busy-pool/check");
		assertThat(response.getStatus()).isEqualTo(405);
		assertThat(response.getHeader("Allow")).isEqualTo("GET, HEAD, OPTIONS");
		assertThat(response.getContentAsString()).isEqualTo("method not allowed\n");
	}

	@Test
	void answersUnderContextPath() throws Exception {
		this.filter = filter("/app", "/health/lb", true);
		MockHttpServletRequest check = new MockHttpServletRequest("GET", "/app/health/lb");
		check.setContextPath("/app");
		assertThat(passedThrough(check)).isFalse();
		MockHttpServletRequest haproxy = new MockHttpServletRequest("OPTIONS", "/app/");
		haproxy.setContextPath("/app");
		assertThat(passedThrough(haproxy)).isFalse();
		assertThat(passedThrough(new MockHttpServletRequest("GET", "/health/lb"))).isTrue();
	}

	@Test
	void ignoresQueryString() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/busy-pool/check");
		request.setQueryString("x=%00%ff&<script>");
		assertThat(passedThrough(request)).isFalse();
	}

	private BusyPoolCheckFilter filter(String contextPath, String path, boolean haproxyDefault) throws Exception {
		BusyPoolCheckFilter filter = new BusyPoolCheckFilter(this.state::get, path, haproxyDefault, this.counters);
		MockServletContext servletContext = new MockServletContext();
		servletContext.setContextPath(contextPath);
		filter.init(new MockFilterConfig(servletContext));
		return filter;
	}

	private MockHttpServletResponse run(String method, String uri) throws Exception {
		MockHttpServletResponse response = new MockHttpServletResponse();
		MockFilterChain chain = new MockFilterChain();
		this.filter.doFilter(new MockHttpServletRequest(method, uri), response, chain);
		assertThat(chain.getRequest()).as("passed through").isNull();
		return response;
	}

	private boolean passedThrough(MockHttpServletRequest request) throws Exception {
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		this.filter.doFilter(request, response, chain);
		return chain.getRequest() != null;
	}

}

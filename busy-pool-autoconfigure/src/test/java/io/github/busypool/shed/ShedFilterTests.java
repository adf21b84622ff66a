package io.github.busypool.shed;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;

class ShedFilterTests {

	@Test
	void shedsARequestThatWaitedInAStandingQueueWithASmall503() throws Exception {
		Shedder shedder = new Shedder(new QueueTimeLimit(Duration.ofMillis(5), Duration.ofMillis(100)));
		ShedFilter filter = new ShedFilter(shedder, "X-Request-Start");
		long now = System.currentTimeMillis();
		MockHttpServletRequest fresh = new MockHttpServletRequest("GET", "/api/quote");
		fresh.addHeader("X-Request-Start", "t=" + now);
		assertThat(passedThrough(filter, fresh)).isTrue();
		MockHttpServletRequest stale = new MockHttpServletRequest("GET", "/api/quote");
		stale.addHeader("X-Request-Start", "t=" + (now - 2000));
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(stale, response, chain);
		assertThat(chain.getRequest()).as("passed through").isNull();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getContentType()).isEqualTo("text/plain");
		assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
		assertThat(response.getContentAsString()).isEqualTo("busy\n");
		assertThat(shedder.count(ShedReason.QUEUE)).isEqualTo(1);
		// Without a stamp, a request is never shed for its wait.
		assertThat(passedThrough(filter, new MockHttpServletRequest("GET", "/api/quote"))).isTrue();
	}

	@Test
	void shedsEverythingAtTheEndOfAShutdownAndClosesTheConnection() throws Exception {
		Shedder shedder = new Shedder(null);
		ShedFilter filter = new ShedFilter(shedder, "X-Request-Start");
		assertThat(passedThrough(filter, new MockHttpServletRequest("GET", "/api/quote"))).isTrue();
		shedder.shedEverything();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("GET", "/api/quote"), response, new MockFilterChain());
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader("Connection")).isEqualTo("close");
		assertThat(response.getContentAsString()).isEqualTo("draining\n");
		MockHttpServletResponse head = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("HEAD", "/api/quote"), head, new MockFilterChain());
		assertThat(head.getStatus()).isEqualTo(503);
		assertThat(head.getContentAsString()).isEmpty();
		assertThat(shedder.count(ShedReason.SHUTDOWN)).isEqualTo(2);
	}

	private static boolean passedThrough(ShedFilter filter, MockHttpServletRequest request) throws Exception {
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, new MockHttpServletResponse(), chain);
		return chain.getRequest() != null;
	}

}

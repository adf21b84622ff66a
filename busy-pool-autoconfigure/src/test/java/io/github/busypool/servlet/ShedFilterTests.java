package io.github.busypool.servlet;

import io.github.busypool.shed.ClientDeadline;
import io.github.busypool.shed.DeadlineDefaults;
import io.github.busypool.shed.DeadlineOutcome;
import io.github.busypool.shed.QueueTimeLimit;
import io.github.busypool.shed.ShedReason;
import io.github.busypool.shed.Shedder;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.speed.ServiceTimes;

import static org.assertj.core.api.Assertions.assertThat;

class ShedFilterTests {

	@Test
	void shedsARequestThatWaitedInAStandingQueueWithASmall503() throws Exception {
		Shedder shedder = new Shedder(new QueueTimeLimit(Duration.ofMillis(5), Duration.ofSeconds(1)));
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

	@Test
	void readsTheClientsDeadlineAndTellsTheLoadBalancerThePredictedServiceTime() throws Exception {
		ServiceSpeed speed = twoSecondCalls();
		ServiceTimes times = speed.times();
		Shedder shedder = new Shedder(null, speed);
		ShedFilter filter = new ShedFilter(shedder, "X-Request-Start",
				new DeadlineDefaults(ClientDeadline.ABSENT, Map.of("/api/report", 30_000L)), speed);
		int running = times.begin(System.nanoTime());
		long stamp = System.currentTimeMillis();
		// A 1 s client cannot be served in 2 s: refused at once, and told why in the header.
		MockHttpServletRequest envoy = new MockHttpServletRequest("GET", "/api/quote");
		envoy.addHeader("X-Request-Start", "t=" + stamp);
		envoy.addHeader("x-envoy-expected-rq-timeout-ms", "1000");
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(envoy, response, chain);
		assertThat(chain.getRequest()).as("passed through").isNull();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(response.getHeader(ShedFilter.SERVICE_TIME_HEADER)).isEqualTo("2000");
		assertThat(Long.parseLong(response.getHeader(ShedFilter.STARTED_HEADER))).isBetween(stamp, System.currentTimeMillis());
		// A gRPC client with 5 s runs, and so does a report by its path's default.
		MockHttpServletRequest grpc = new MockHttpServletRequest("POST", "/api/quote");
		grpc.addHeader("grpc-timeout", "5S");
		assertThat(passedThrough(filter, grpc)).isTrue();
		assertThat(passedThrough(filter, new MockHttpServletRequest("GET", "/api/report/2026"))).isTrue();
		// A malformed deadline is counted and ignored: no deadline, no default here, runs.
		MockHttpServletRequest broken = new MockHttpServletRequest("GET", "/api/quote");
		broken.addHeader("x-envoy-expected-rq-timeout-ms", "soon");
		MockHttpServletResponse plain = new MockHttpServletResponse();
		MockFilterChain plainChain = new MockFilterChain();
		filter.doFilter(broken, plain, plainChain);
		assertThat(plainChain.getRequest()).isNotNull();
		assertThat(plain.getHeader(ShedFilter.SERVICE_TIME_HEADER)).as("neither stamped nor a deadline").isNull();
		assertThat(shedder.count(DeadlineOutcome.REFUSED)).isEqualTo(1);
		assertThat(shedder.count(DeadlineOutcome.ADMITTED)).isEqualTo(2);
		assertThat(shedder.count(DeadlineOutcome.INVALID)).isEqualTo(1);
		times.end(running, 0, 1);
	}

	/**
	 * Every {@code 503} of busy-pool's own means "not run": whatever the method, the
	 * application never saw the request, so a balancer may send it to another server (the
	 * nginx recipe does, for a {@code POST} too).
	 */
	@Test
	void everyOwn503ComesBeforeTheApplicationRanTheRequestAPostToo() throws Exception {
		ServiceSpeed speed = twoSecondCalls();
		ServiceTimes times = speed.times();
		Shedder shedder = new Shedder(new QueueTimeLimit(Duration.ofMillis(5), Duration.ofSeconds(1)), speed);
		ShedFilter filter = new ShedFilter(shedder, "X-Request-Start",
				new DeadlineDefaults(ClientDeadline.ABSENT, Map.of()), speed);
		int running = times.begin(System.nanoTime());
		long stamp = System.currentTimeMillis();

		MockHttpServletRequest waited = new MockHttpServletRequest("POST", "/api/orders");
		waited.addHeader("X-Request-Start", "t=" + (stamp - 2000));
		MockHttpServletRequest late = new MockHttpServletRequest("POST", "/api/orders");
		late.addHeader("x-envoy-expected-rq-timeout-ms", "1000");
		late.addHeader("X-Request-Start", "t=" + stamp);
		for (MockHttpServletRequest request : java.util.List.of(waited, late)) {
			MockFilterChain chain = new MockFilterChain();
			MockHttpServletResponse response = new MockHttpServletResponse();
			filter.doFilter(request, response, chain);
			assertThat(chain.getRequest()).as("ran").isNull();
			assertThat(response.getStatus()).isEqualTo(503);
		}
		shedder.shedEverything();
		MockFilterChain chain = new MockFilterChain();
		MockHttpServletResponse response = new MockHttpServletResponse();
		filter.doFilter(new MockHttpServletRequest("POST", "/api/orders"), response, chain);
		assertThat(chain.getRequest()).as("ran").isNull();
		assertThat(response.getStatus()).isEqualTo(503);
		assertThat(shedder.count(ShedReason.QUEUE) + shedder.count(ShedReason.DEADLINE)
				+ shedder.count(ShedReason.SHUTDOWN)).isEqualTo(3);
		times.end(running, 0, 1);
	}

	/** A speed estimate that has seen 20 requests of 2 s each. */
	private static ServiceSpeed twoSecondCalls() {
		ServiceSpeed speed = new ServiceSpeed(8);
		ServiceTimes times = speed.times();
		long now = System.nanoTime();
		for (int i = 0; i < 20; i++) {
			times.end(times.begin(now - 2_000_000_000L), now - 2_000_000_000L, now);
		}
		speed.refresh(now);
		return speed;
	}

	private static boolean passedThrough(ShedFilter filter, MockHttpServletRequest request) throws Exception {
		MockFilterChain chain = new MockFilterChain();
		filter.doFilter(request, new MockHttpServletResponse(), chain);
		return chain.getRequest() != null;
	}

}

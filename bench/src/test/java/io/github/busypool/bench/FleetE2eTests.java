package io.github.busypool.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three sample-app JVMs from the built jar, each with its own downstream, behind a real
 * HAProxy run from the README's recipe files, under a fixed-rate load of 60 requests a
 * second to {@code /api/quote}: about half of what the fleet can serve (3 backends x 8
 * threads / 200 ms = 120 req/s), so that losing one backend stays within capacity.
 * A blip makes a downstream answer in 3 s (6 s when only one is slow) instead of 200 ms;
 * clients give up after 10 s.
 */
@Tag("e2e")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetE2eTests {

	private static final double RATE = 60;

	private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(10);

	private static final long NORMAL_MS = 200;

	private static final long SLOW_MS = 3000;

	/**
	 * The one slow backend's calls take longer than {@link #SLOW_MS}. The agent's weight
	 * follows spare threads smoothed with a 1 s time constant: once app1's 8 threads are
	 * taken it falls under a tenth about 2.3 s later, and HAProxy reads it up to one
	 * {@code agent-inter} (500 ms) after that, about 3 s after the blip began. With 3 s calls
	 * that raced the first slow calls finishing, which frees the threads and lifts the
	 * weight again (it lost once in CI and crossed 9 s in). With 6 s calls (the backends
	 * wait up to {@link Backend#DOWNSTREAM_TIMEOUT} for them) the fall has 2 s to spare.
	 */
	private static final long SLOW_ONE_MS = 6000;

	/** The recipes' inter 2s x fall 3. */
	private static final long INTER_TIMES_FALL_MS = 6000;

	private static final Scenario BLIP_ONE = Scenario.blipOne(0, Duration.ofSeconds(5), Duration.ofSeconds(12),
			Duration.ofSeconds(30), SLOW_ONE_MS);

	private static final Scenario BLIP_EVERYWHERE = Scenario.blipEverywhere(Duration.ofSeconds(5),
			Duration.ofSeconds(12), Duration.ofSeconds(30), SLOW_MS);

	@TempDir
	static Path directory;

	private static Fleet fleet;

	private static Result twoBalancersCheckPort;

	@BeforeAll
	static void startFleet() throws Exception {
		if (System.getenv("CI") == null) {
			assumeTrue(Haproxy.installed(), "haproxy is not installed");
		}
		fleet = Fleet.start(directory, 3, true, Duration.ofSeconds(2), NORMAL_MS);
	}

	@AfterAll
	static void stopFleet() throws Exception {
		if (fleet != null) {
			fleet.close();
		}
	}

	private static Result run(Mode mode, Scenario scenario) throws Exception {
		fleet.route(mode, scenario.balancers);
		fleet.awaitQuiet(Duration.ofSeconds(30));
		Result result = scenario.run(fleet, RATE, CLIENT_TIMEOUT);
		System.out.println(result.summary());
		return result;
	}

	@Test
	@Order(1)
	void agentWeightsTheSlowBackendDownAndNothingFails() throws Exception {
		Result result = run(Mode.AGENT, BLIP_ONE);
		assertNothingFailedAndApp1WasCapped(result);
		assertThat(result.leftRotation(0, result.event("blip start")).orElse(Long.MAX_VALUE))
			.as("ms until app1 was weighted under a tenth").isLessThanOrEqualTo(INTER_TIMES_FALL_MS);
		assertThat(result.rejoined(0, result.event("blip start"), result.event("blip end")).orElse(Long.MAX_VALUE))
			.as("ms until app1 was back in rotation").isLessThanOrEqualTo(15_000);
		assertThat(result.share(0, 0, result.event("blip start"))).as("app1's share before").isGreaterThan(0.2);
	}

	/**
	 * No request fails, and app1 gets under a tenth of the requests during its blip. maxconn
	 * 8 = threads (from the agent, or in the recipe): HAProxy never has more than 8 requests
	 * open on app1, so at most 8 of them can wait in its Tomcat.
	 */
	private static void assertNothingFailedAndApp1WasCapped(Result result) {
		assertThat(result.failed()).as("failed requests").isZero();
		assertThat(result.share(0, result.event("blip start"), result.event("blip end"))).as("app1's share during")
			.isLessThan(0.1);
		assertThat(result.maxSessions(0)).isLessThanOrEqualTo(Backend.THREADS);
		assertThat(result.maxTomcatQueue(0)).isLessThanOrEqualTo(Backend.THREADS);
		assertThat(result.maxPoolQueue(0)).isBetween(0L, (long) Backend.THREADS);
		assertThat(result.downServers()).isEmpty();
	}

	@Test
	@Order(2)
	void checkPortRecipeCapsTheSlowBackendAtItsThreadsAndNothingFails() throws Exception {
		Result result = run(Mode.CHECK_PORT, BLIP_ONE);
		// maxconn 8 = threads: app1 never queues, so it never turns busy and stays UP. HAProxy
		// gives it a new request only when one of its 8 finishes; leastconn sends the rest on.
		assertNothingFailedAndApp1WasCapped(result);
		// The check has its own connector and threads: it never waits behind user requests.
		assertThat(result.maxCheckMillis(0)).as("slowest check of app1, ms").isLessThan(200);
	}

	@Test
	@Order(3)
	void checkPortTakesEveryServerOutWhenTwoHaproxiesOverfillASlowFleet() throws Exception {
		Result result = run(Mode.CHECK_PORT, BLIP_EVERYWHERE.behind(2));
		// Each HAProxy allows maxconn 8 per server: together 16 on 8 threads. Requests queue in
		// Tomcat, the pools turn busy, the checks say so, and after fall 3 every server is DOWN:
		// HAProxy then answers 503 at once (the README's "When every server is busy").
		for (int i = 0; i < 3; i++) {
			assertThat(result.maxPoolQueue(i)).as("app%d's busypool.queue.size", i + 1).isGreaterThan(0);
		}
		assertThat(result.downServers()).as("servers marked DOWN").hasSize(3);
		assertThat(result.secondsWithNoServer()).isGreaterThan(0);
		assertThat(result.failedWithin(1000)).as("requests that failed within 1 s").isGreaterThan(0);
		twoBalancersCheckPort = result;
	}

	@Test
	@Order(4)
	void agentKeepsServingWhenTwoHaproxiesOverfillASlowFleet() throws Exception {
		Result result = run(Mode.AGENT, BLIP_EVERYWHERE.behind(2));
		// Busy means weight 1%, never down: both HAProxies keep every server and queue the rest.
		// (Each still allows maxconn:8, so up to 8 more wait in each Tomcat.)
		assertThat(result.downServers()).as("servers marked DOWN").isEmpty();
		assertThat(result.secondsWithNoServer()).isZero();
		assertThat(result.failedWithin(1000)).as("requests that failed within 1 s").isZero();
		if (twoBalancersCheckPort != null) {
			assertThat(result.ok()).as("served, agent vs check port").isGreaterThan(twoBalancersCheckPort.ok());
		}
	}

	@Test
	@Order(5)
	void agentKeepsEveryServerUpAndQueuesInHaproxyWhenEveryBackendIsSlow() throws Exception {
		Result result = run(Mode.AGENT, BLIP_EVERYWHERE);
		assertThat(result.downServers()).as("servers marked DOWN").isEmpty();
		assertThat(result.secondsWithNoServer()).isZero();
		// No burst of instant 503s: what cannot be served waits in HAProxy's queue and fails
		// only after "timeout queue 5s", while the fleet serves what it can.
		assertThat(result.failedWithin(1000)).as("requests that failed within 1 s").isZero();
		assertThat(result.maxHaproxyQueue()).isGreaterThan(3 * Backend.THREADS);
		assertThat(result.okBetween(result.event("blip start"), result.event("blip end"))).as("served during the blip")
			.isGreaterThan(50);
		assertThat(result.ranAfterGiveUp()).isZero();
		for (int i = 0; i < 3; i++) {
			assertThat(result.maxSessions(i)).isLessThanOrEqualTo(Backend.THREADS);
			assertThat(result.maxPoolQueue(i)).isBetween(0L, (long) Backend.THREADS);
		}
	}

	@Test
	@Order(6)
	void httpchkRecipeChecksWaitBehindUserRequestsWhenEveryBackendIsSlow() throws Exception {
		Result result = run(Mode.HTTPCHK, BLIP_EVERYWHERE);
		// The check shares the saturated main pool. maxconn 8 = threads keeps Tomcat's queue
		// short, so a check waits "only" for the next thread to finish: 3 s / 8 threads apart
		// on average, sometimes past "timeout check 2s". Then a server can go DOWN for a while
		// (and if all three do at once, HAProxy answers 503 at once). The check port and the
		// agent answer in milliseconds instead.
		int slowest = IntStream.range(0, 3).map(result::maxCheckMillis).max().getAsInt();
		assertThat(slowest).as("slowest check, ms").isGreaterThanOrEqualTo(500);
		assertThat(result.maxHaproxyQueue()).isGreaterThan(3 * Backend.THREADS);
	}

	@Test
	@Order(7)
	void rollingRestartWithADrainDelayLosesNoRequest() throws Exception {
		Result result = run(Mode.AGENT, Scenario.rollingRestart(Duration.ofSeconds(3), Duration.ofSeconds(2),
				Duration.ofSeconds(70)));
		assertThat(result.events).containsKeys("app1 back", "app2 back", "app3 back");
		assertThat(result.failed()).as("failed requests").isZero();
	}

}

package io.github.busypool.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Three sample-app JVMs from the built jar, each with its own downstream, behind a real
 * HAProxy run from the README's recipe files, under a fixed-rate load of 60 requests a
 * second to {@code /api/quote}: about half of what the fleet can serve (3 backends x 8
 * threads / 200 ms = 120 req/s), so that losing one backend stays within capacity.
 * A blip makes a downstream answer in 3 s (6 s when only one is slow) instead of 200 ms;
 * clients give up after 10 s. A collapse makes every downstream 10 times slower for 8 s,
 * with clients that give up after 1 s, 10 s or 30 s, behind 1, 2 or 4 HAProxies. One
 * test sends SIGTERM to one app with a long Tomcat queue.
 * <p>
 * Each test stands alone, in any order: it routes the fleet itself, waits for it to be
 * quiet, and a test that compares set-ups runs each of them. A test that restarts apps warms
 * the fleet up again before it ends.
 */
@Tag("e2e")
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

	/** Every downstream 10 times slower: the fleet can serve a fifth of the load. */
	private static final long COLLAPSE_MS = 10 * NORMAL_MS;

	private static final Scenario COLLAPSE = Scenario.collapse(Duration.ofSeconds(5), Duration.ofSeconds(8),
			Duration.ofSeconds(25), COLLAPSE_MS);

	@TempDir
	static Path directory;

	private static Fleet fleet;

	@BeforeAll
	static void startFleet() throws Exception {
		if (System.getenv("CI") == null) {
			assumeTrue(Haproxy.installed(), "haproxy is not installed");
		}
		// The default properties, busy-pool.shutdown.drain-delay included, as a new user's.
		fleet = Fleet.start(directory, 3, true, null, NORMAL_MS);
		warmUp();
	}

	/** See {@link Fleet#warmUp}. */
	private static void warmUp() throws Exception {
		fleet.warmUp(Mode.AGENT, RATE, Duration.ofSeconds(8));
	}

	@AfterAll
	static void stopFleet() throws Exception {
		if (fleet != null) {
			fleet.close();
		}
	}

	private static Result run(Mode mode, Scenario scenario) throws Exception {
		return run(mode, scenario, CLIENT_TIMEOUT);
	}

	private static Result run(Mode mode, Scenario scenario, Duration clientTimeout) throws Exception {
		fleet.route(mode, scenario.balancers);
		fleet.awaitQuiet(Duration.ofSeconds(30));
		Result result = scenario.run(fleet, RATE, clientTimeout);
		System.out.println(result.summary());
		return result;
	}

	@Test
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
	void checkPortRecipeCapsTheSlowBackendAtItsThreadsAndNothingFails() throws Exception {
		Result result = run(Mode.CHECK_PORT, BLIP_ONE);
		// maxconn 8 = threads: app1 never queues, so it never turns busy and stays UP. HAProxy
		// gives it a new request only when one of its 8 finishes; leastconn sends the rest on.
		assertNothingFailedAndApp1WasCapped(result);
		// The check has its own connector and threads: it never waits behind user requests.
		assertThat(result.maxCheckMillis(0)).as("slowest check of app1, ms").isLessThan(200);
	}

	@Test
	void checkPortTakesOverfilledServersOutWhenTwoHaproxiesShareASlowFleet() throws Exception {
		Result result = run(Mode.CHECK_PORT, BLIP_EVERYWHERE.behind(2));
		// Each HAProxy allows maxconn 8 per server: together 16 on 8 threads. Requests queue in
		// Tomcat, the pools turn busy and stay so, the checks say so, and after fall 3 servers
		// are marked DOWN, possibly all at once; then HAProxy answers 503 at once (the
		// docs/HAPROXY.md, "When every server is busy"). The excess is told fast either way.
		for (int i = 0; i < 3; i++) {
			assertThat(result.maxPoolQueue(i)).as("app%d's busypool.queue.size", i + 1).isGreaterThan(0);
		}
		assertThat(result.downServers()).as("servers marked DOWN").isNotEmpty();
		assertThat(result.failedWithin(1000)).as("requests that failed within 1 s").isGreaterThan(0);
	}

	@Test
	void agentKeepsServingWhenTwoHaproxiesShareASlowFleet() throws Exception {
		Result result = run(Mode.AGENT, BLIP_EVERYWHERE.behind(2));
		// Busy means weight 1%, never down; and each HAProxy is sent maxconn 8 / 2, so that
		// together they never fill Tomcat's queue (0-2, as behind one HAProxy: requests in the
		// instant between HAProxy sending them and a thread being free again).
		assertThat(result.downServers()).as("servers marked DOWN").isEmpty();
		assertThat(result.secondsWithNoServer()).isZero();
		assertExcessToldFastAndNothingRunForNobody(result);
		for (int i = 0; i < 3; i++) {
			assertThat(result.maxPoolQueue(i)).as("app%d's busypool.queue.size", i + 1).isBetween(0L, 2L);
		}
	}

	@Test
	void agentKeepsEveryServerUpAndToldTheExcessFastWhenEveryBackendIsSlow() throws Exception {
		Result result = run(Mode.AGENT, BLIP_EVERYWHERE);
		assertThat(result.downServers()).as("servers marked DOWN").isEmpty();
		assertThat(result.secondsWithNoServer()).isZero();
		assertExcessToldFastAndNothingRunForNobody(result);
		assertThat(result.okBetween(result.event("blip start"), result.event("blip end"))).as("served during the blip")
			.isGreaterThan(50);
		for (int i = 0; i < 3; i++) {
			assertThat(result.maxSessions(i)).isLessThanOrEqualTo(Backend.THREADS);
			assertThat(result.maxPoolQueue(i)).isBetween(0L, (long) Backend.THREADS);
		}
	}

	/**
	 * What the fleet cannot serve is answered {@code 503} in milliseconds, by HAProxy at the
	 * door once its queue stands or by the app for a request that waited in it, rather than
	 * after {@code timeout queue}; and no request runs after its client has gone.
	 */
	private static void assertExcessToldFastAndNothingRunForNobody(Result result) {
		assertThat(result.failed()).as("not served").isGreaterThan(0);
		assertThat(result.silent()).as("failed with no answer").isZero();
		assertThat(result.errorLatencyMs(50)).as("ms until an error answer, median").isLessThanOrEqualTo(500);
		assertThat(result.ranAfterGiveUp()).as("run after the client gave up").isZero();
	}

	@Test
	void httpchkRecipeChecksWaitBehindUserRequestsWhenEveryBackendIsSlow() throws Exception {
		Result result = run(Mode.HTTPCHK, BLIP_EVERYWHERE);
		// The check shares the saturated main pool. maxconn 8 = threads keeps Tomcat's queue
		// short (and HAProxy's door keeps its own queue short), so a check waits "only" for the
		// next thread to finish: 3 s / 8 threads apart
		// on average, sometimes past "timeout check 2s". Then a server can go DOWN for a while
		// (and if all three do at once, HAProxy answers 503 at once). The check port and the
		// agent answer in milliseconds instead.
		int slowest = IntStream.range(0, 3).map(result::maxCheckMillis).max().getAsInt();
		assertThat(slowest).as("slowest check, ms").isGreaterThanOrEqualTo(500);
	}

	@Test
	void collapseWithImpatientClientsRunsNothingForClientsThatLeftAndTellsMostAtOnce() throws Exception {
		Result result = run(Mode.AGENT, COLLAPSE, Duration.ofSeconds(1));
		long start = result.event("blip start");
		long end = result.event("blip end");
		assertThat(result.ranAfterGiveUp()).as("run after the client gave up").isZero();
		assertThat(result.downServers()).as("servers marked DOWN").isEmpty();
		// During the collapse a call takes 2 s and the clients wait 1 s: nothing can be served in
		// time. What the fleet still runs ends in silence; the rest is told at once.
		// (The expert set-up answers none of them: they wait 2 s in its queue.)
		assertThat(result.answeredError()).as("answered with an error").isGreaterThan(result.failed() / 3);
		assertThat(result.errorLatencyMs(50)).as("ms until an error answer, median").isLessThanOrEqualTo(500);
		// Outside the collapse (and the 2 s it takes to end), the fleet serves nearly everything.
		int outside = result.dueBetween(0, start) + result.dueBetween(end + 2000, Long.MAX_VALUE);
		int okOutside = result.okBetween(0, start) + result.okBetween(end + 2000, Long.MAX_VALUE);
		assertThat(okOutside).as("served outside the collapse, of %d", outside).isGreaterThan(outside * 9 / 10);
	}

	@Test
	void collapseWithPatientClientsServesAtCapacityAndTellsTheExcessAtOnce() throws Exception {
		Result result = run(Mode.AGENT, COLLAPSE, Duration.ofSeconds(30));
		assertExcessToldFastAndNothingRunForNobody(result);
		long start = result.event("blip start");
		long end = result.event("blip end");
		// 3 x 8 threads / 2 s = 12 req/s during the collapse.
		int capacity = (int) (3 * Backend.THREADS * (end - start) / COLLAPSE_MS);
		assertThat(result.okBetween(start, end)).as("served during the collapse, capacity %d", capacity)
			.isGreaterThan(capacity * 6 / 10);
	}

	/**
	 * One, two and four HAProxies in front of the same collapsing fleet: the agent divides
	 * each app's threads among the HAProxies that poll it, so that Tomcat's queue stays empty
	 * and the fleet serves as much as behind one.
	 */
	@Test
	void severalHaproxiesShareTheAppsThreadsInsteadOfMultiplyingThem() throws Exception {
		Result one = run(Mode.AGENT, COLLAPSE, CLIENT_TIMEOUT);
		for (int count : new int[] { 2, 4 }) {
			Result several = run(Mode.AGENT, COLLAPSE.behind(count), CLIENT_TIMEOUT);
			for (int i = 0; i < 3; i++) {
				assertThat(several.maxPoolQueue(i)).as("app%d's busypool.queue.size behind %d HAProxies", i + 1, count)
					.isBetween(0L, 2L);
			}
			assertThat(several.ok()).as("served behind %d HAProxies, vs %d behind one", count, one.ok())
				.isGreaterThanOrEqualTo(one.ok() * 95 / 100);
			assertThat(several.ranAfterGiveUp()).isZero();
		}
	}

	/**
	 * SIGTERM while Tomcat's queue holds four times more requests than the pool has threads
	 * (sent straight to the backend, past HAProxy's maxconn): every one is served before the
	 * JVM exits.
	 */
	@Test
	void sigtermWithTomcatsQueueLongerThanItsThreadsLosesNoRequest() throws Exception {
		Backend app = fleet.backends.get(2);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		int count = 5 * Backend.THREADS;
		for (int i = 0; i < count; i++) {
			responses.add(client.sendAsync(HttpRequest
				.newBuilder(URI.create("http://127.0.0.1:" + app.port + "/sleep?ms=1000"))
				.timeout(Duration.ofSeconds(30))
				.build(), HttpResponse.BodyHandlers.ofString()));
		}
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
			.until(() -> app.metric("busypool.queue.size").orElse(0) >= 3 * Backend.THREADS);
		try {
			app.stop();
			List<Integer> statuses = new ArrayList<>();
			for (CompletableFuture<HttpResponse<String>> response : responses) {
				statuses.add(response.handle((r, ex) -> (r != null) ? r.statusCode() : -1)
					.get(30, TimeUnit.SECONDS));
			}
			assertThat(statuses).as("answers to the %d requests accepted before SIGTERM", count)
				.containsOnly(200);
		}
		finally {
			app.start();
			app.awaitReady(Duration.ofSeconds(90));
			warmUp();
		}
	}

	@Test
	void rollingRestartWithTheDefaultPropertiesLosesNoRequest() throws Exception {
		// 100 s of load: three restarts take about 50 s on Tomcat, but up to 76 s were seen for
		// the Jetty sample in CI, and the restarts must all happen under load.
		Result result = run(Mode.AGENT, Scenario.rollingRestart(Duration.ofSeconds(3), Duration.ofSeconds(2),
				Duration.ofSeconds(100)));
		warmUp();
		assertThat(result.events).containsKeys("app1 back", "app2 back", "app3 back");
		assertThat(result.failed()).as("failed requests").isZero();
	}


	/**
	 * One backend flips between busy and free a hundred times: nine requests on its eight
	 * threads hold it busy for about {@link #FLAP_MS}, with {@link #FREE_MS} free between, while HAProxy (the agent
	 * recipe: weights every 500 ms) spreads the load. Every flip is made by requests sent to the app directly, so that it is known
	 * to have happened: the test waits for the busy transition, then for free.
	 */
	@Test
	void aBackendFlappingAHundredTimesFailsNoClientRequest() throws Exception {
		fleet.route(Mode.AGENT, 1);
		fleet.awaitQuiet(Duration.ofSeconds(30));
		Backend app = fleet.backends.get(0);
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		double busyBefore = app.metric("busypool.transitions?tag=to:busy").orElseThrow();
		double shedBefore = shedByTheFleet();
		Load load = new Load(URI.create("http://127.0.0.1:" + fleet.balancers().get(0).port + "/api/quote"), RATE,
				Duration.ofSeconds(240), CLIENT_TIMEOUT);
		load.start();
		int cycles = 0;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
		try {
			while (cycles < FLAPS && System.nanoTime() < deadline) {
				double busy = app.metric("busypool.transitions?tag=to:busy").orElseThrow();
				List<CompletableFuture<HttpResponse<Void>>> holds = new ArrayList<>();
				// One more than the threads: busy (one queued, none idle) at the smallest excess.
				for (int i = 0; i < Backend.THREADS + 1; i++) {
					holds.add(client.sendAsync(HttpRequest
						.newBuilder(URI.create("http://127.0.0.1:" + app.port + "/sleep?ms=" + FLAP_MS))
						.timeout(Duration.ofSeconds(10))
						.build(), HttpResponse.BodyHandlers.discarding()));
				}
				await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
					.until(() -> app.metric("busypool.transitions?tag=to:busy").orElse(0) > busy);
				for (CompletableFuture<HttpResponse<Void>> hold : holds) {
					assertThat(hold.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
				}
				await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
					.until(() -> app.metric("busypool.state").orElse(-1) == 0);
				cycles++;
				// A free spell between flaps: back to back, the app would be busy nearly all
				// the time, and its shedding would rightly see a standing queue.
				Thread.sleep(FREE_MS);
			}
		}
		finally {
			load.stop();
		}
		assertThat(load.await(Duration.ofSeconds(5))).as("every client request answered or given up").isTrue();
		int sent = 0;
		int failed = 0;
		java.util.Map<Integer, Integer> failures = new java.util.TreeMap<>();
		for (int status : load.status) {
			if (status != Load.NOT_SENT) {
				sent++;
				if (!Load.ok(status)) {
					failed++;
					failures.merge(status, 1, Integer::sum);
				}
			}
		}
		double flips = app.metric("busypool.transitions?tag=to:busy").orElseThrow() - busyBefore;
		System.out.printf("flapping: %d cycles, %.0f transitions to busy, %d client requests, %d failed %s, "
				+ "%.0f shed by the apps%n", cycles, flips, sent, failed, failures, shedByTheFleet() - shedBefore);
		assertThat(cycles).isEqualTo(FLAPS);
		assertThat(flips).isGreaterThanOrEqualTo(FLAPS);
		assertThat(sent).isGreaterThan(1_000);
		assertThat(failed).as("failed client requests").isZero();
	}

	private static double shedByTheFleet() {
		return fleet.backends.stream()
			.mapToDouble((backend) -> backend.metric("busypool.shed?tag=reason:queue").orElse(0))
			.sum();
	}

	private static final int FLAPS = 100;

	/** The free spell between flaps: the shedding's queue-interval. */
	private static final long FREE_MS = 500;

	/**
	 * How long each of the holding requests sleeps. With HAProxy's own requests queued
	 * behind them, a request may wait about twice this; past the shedding's 500 ms it would
	 * be answered 503 busy. Measured: 12 holds of 300 ms back to back shed 105 of 4,055
	 * requests, and 12 holds of 200 ms with 500 ms free between still shed 12 of 6,070.
	 * Nine holds of 200 ms passed three CI runs and then shed 4 of 5,653: when app1's
	 * weight is low, a free spell can pass without a request, so the shedding's window
	 * sees only the waits of the busy spell and takes the queue for standing. Nine holds of
	 * 100 ms keep the busy spell well inside the shedding's 500 ms window.
	 */
	private static final long FLAP_MS = 100;

}

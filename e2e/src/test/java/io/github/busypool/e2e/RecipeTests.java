package io.github.busypool.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's three HAProxy recipes, as shipped in {@code haproxy/}, in a real HAProxy in
 * front of the sample app's jar, run as a user runs it. Only the ports change, and the
 * check interval (200 ms instead of 2 s) so that the tests are quick. The fleet tests
 * ({@link FleetE2eTests}) put the same recipes under load.
 * <p>
 * Not tagged {@code e2e}: they run in {@code ./mvnw verify}, and skip where HAProxy is not
 * installed (in CI they fail instead).
 */
class RecipeTests {

	private static final Path RECIPES = Ports.repository().resolve("haproxy");

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final Map<String, String> QUICK_CHECKS = Map.of("inter 2s", "inter 200ms");

	private static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	@TempDir
	static Path directory;

	private static Downstream downstream;

	private static Backend app;

	@BeforeAll
	static void startTheApp() throws Exception {
		if (System.getenv("CI") == null) {
			assumeTrue(Haproxy.installed(), "haproxy is not installed");
		}
		System.out.println("Recipes on " + Haproxy.version() + " (" + Haproxy.binary() + ")");
		downstream = Downstream.start(20);
		app = new Backend("app1", Fleet.sampleJar(), directory, true, Duration.ofSeconds(5), downstream);
		app.start();
		app.awaitReady(Duration.ofSeconds(90));
	}

	@AfterAll
	static void stopTheApp() throws Exception {
		if (app != null) {
			app.close();
		}
		if (downstream != null) {
			downstream.close();
		}
	}

	@Test
	void everyRecipeIsValid() throws Exception {
		for (String recipe : List.of("httpchk.cfg", "check-port.cfg", "agent.cfg")) {
			assertThat(Haproxy.check(RECIPES.resolve(recipe))).as(recipe).startsWith("0 ");
		}
	}

	@Test
	void httpchkRecipeChecksOptionsSlashAnsweredBeforeDispatch() throws Exception {
		double pages = pagesServed();
		double answered = app.metric("busypool.checks?tag=answer:free").orElse(0);
		try (Haproxy haproxy = start("httpchk.cfg")) {
			await().atMost(WAIT).untilAsserted(() -> assertThat(haproxy.server("app1"))
				.containsEntry("status", "UP")
				.containsEntry("check_status", "L7OK")
				.containsEntry("slim", "8"));
			await().atMost(WAIT).until(() -> app.metric("busypool.checks?tag=answer:free").orElse(0) > answered + 2);
			assertThatTheHomePageIsServedThrough(haproxy);
		}
		// HAProxy's checks never reached the application: only the one page above did.
		assertThat(pagesServed()).isEqualTo(pages + 1);
	}

	@Test
	void checkPortRecipeChecksTheCheckPortAndTellsTheAppWhatItSees() throws Exception {
		double pages = pagesServed();
		double portChecks = app.metric("busypool.checks?tag=via:port").orElse(0);
		try (Haproxy haproxy = start("check-port.cfg")) {
			await().atMost(WAIT).untilAsserted(() -> assertThat(haproxy.server("app1"))
				.containsEntry("status", "UP")
				.containsEntry("check_status", "L7OK"));
			assertThat(app.metric("busypool.checks?tag=via:port").orElse(0)).isGreaterThan(portChecks);
			// send-state: HAProxy's view of this server, in the app's meters.
			await().atMost(WAIT).until(() -> app.metric("busypool.haproxy.up").orElse(0) == 1);
			assertThat(app.metric("busypool.haproxy.weight")).hasValue(1);
			assertThat(app.metric("busypool.haproxy.queue")).hasValue(0);
			assertThatTheHomePageIsServedThrough(haproxy);
		}
		assertThat(pagesServed()).isEqualTo(pages + 1);
	}

	/**
	 * A client cannot forge what HAProxy says of a server, nor reach the check path: every
	 * recipe deletes {@code X-Haproxy-Server-State} from client requests and answers the
	 * check path 404 at the door.
	 */
	@Test
	void everyRecipeKeepsClientsOffTheCheckAndHaproxysView() throws Exception {
		String forged = "DOWN 1/3; name=app/app1; node=lb1; weight=0/1; scur=0/0; qcur=777";
		for (String recipe : List.of("httpchk.cfg", "check-port.cfg", "agent.cfg")) {
			try (Haproxy haproxy = start(recipe)) {
				await().atMost(WAIT).untilAsserted(() -> assertThat(haproxy.server("app1")).containsEntry("status", "UP"));
				for (String path : List.of("/busy-pool/check", "/busy-pool/check?x=1")) {
					HttpResponse<String> check = client.send(get(haproxy.port, path), HttpResponse.BodyHandlers.ofString());
					assertThat(check.statusCode()).as(recipe + " " + path).isEqualTo(404);
				}
				for (int i = 0; i < 5; i++) {
					HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + haproxy.port + "/"))
						.header("X-Haproxy-Server-State", forged)
						.timeout(WAIT)
						.build();
					assertThat(client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(200);
					assertThat(app.metric("busypool.haproxy.queue").orElse(0)).as(recipe).isNotEqualTo(777);
					assertThat(app.metric("busypool.haproxy.up").orElse(1)).as(recipe).isNotEqualTo(0);
				}
			}
		}
	}

	/**
	 * Every recipe admits a request with a deadline by its predicted wait: while the app's
	 * threads are held and requests queue, a request whose deadline the queue would outlast
	 * is answered 503 at the door at once, without reaching the app; a patient one waits and
	 * is served; and no client sees the service-time header the app sends HAProxy.
	 */
	@Test
	void everyRecipeRefusesAtTheDoorWhatItsDeadlineCannotWaitFor() throws Exception {
		for (String recipe : List.of("httpchk.cfg", "check-port.cfg", "agent.cfg")) {
			try (Haproxy haproxy = start(recipe)) {
				await().atMost(WAIT).untilAsserted(() -> assertThat(haproxy.server("app1"))
					.containsEntry("status", "UP")
					.containsEntry("slim", String.valueOf(Backend.THREADS)));
				// The app learns that a request takes 1.5 s, and says so to HAProxy.
				for (int i = 0; i < 2; i++) {
					HttpResponse<Void> slow = client.send(get(haproxy.port, "/sleep?ms=1500"),
							HttpResponse.BodyHandlers.discarding());
					assertThat(slow.statusCode()).isEqualTo(200);
					assertThat(slow.headers().firstValue("X-Busy-Pool-Service-Ms")).as(recipe).isEmpty();
					assertThat(slow.headers().firstValue("X-Busy-Pool-Started")).as(recipe).isEmpty();
				}
				List<CompletableFuture<HttpResponse<Void>>> held = new ArrayList<>();
				for (int i = 0; i < Backend.THREADS + 2; i++) {
					held.add(client.sendAsync(get(haproxy.port, "/sleep?ms=2000"), HttpResponse.BodyHandlers.discarding()));
				}
				fast().until(() -> Integer.parseInt(haproxy.server("BACKEND").getOrDefault("qcur", "0")) > 0);
				double reached = app.metric("busypool.deadlines").orElse(0);
				long sent = System.nanoTime();
				HttpResponse<String> impatient = client.send(withDeadline(haproxy.port, "1000"),
						HttpResponse.BodyHandlers.ofString());
				long tookMs = (System.nanoTime() - sent) / 1_000_000;
				assertThat(impatient.statusCode()).as(recipe).isEqualTo(503);
				assertThat(tookMs).as(recipe + ": told at once, not after a wait").isLessThan(1000);
				assertThat(app.metric("busypool.deadlines").orElse(0)).as("never reached the app").isEqualTo(reached);
				HttpResponse<String> patient = client.send(withDeadline(haproxy.port, "20000"),
						HttpResponse.BodyHandlers.ofString());
				assertThat(patient.statusCode()).as(recipe).isEqualTo(200);
				for (CompletableFuture<HttpResponse<Void>> response : held) {
					assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isIn(200, 503);
				}
			}
		}
	}

	private static HttpRequest withDeadline(int port, String millis) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/sleep?ms=10"))
			.header("x-envoy-expected-rq-timeout-ms", millis)
			.timeout(WAIT)
			.build();
	}

	/**
	 * The agent recipe: HAProxy's weight follows the pool (1% when busy, back to 100% when
	 * free), its {@code maxconn} is the pool's threads, and the server turns to DRAIN as soon
	 * as the app is sent SIGTERM, while the TCP check still passes.
	 */
	@Test
	void agentRecipeWeightsTheServerByThePoolAndDrainsItOnShutdown() throws Exception {
		try (Haproxy haproxy = start("agent.cfg")) {
			await().atMost(WAIT).untilAsserted(() -> assertThat(haproxy.server("app1"))
				.containsEntry("status", "UP")
				.containsEntry("weight", "100")
				.containsEntry("agent_status", "L7OK")
				.containsEntry("slim", String.valueOf(Backend.THREADS)));
			assertThatTheHomePageIsServedThrough(haproxy);

			List<CompletableFuture<HttpResponse<Void>>> held = new ArrayList<>();
			for (int i = 0; i < 3 * Backend.THREADS; i++) {
				held.add(client.sendAsync(get(app.port, "/sleep?ms=3000"), HttpResponse.BodyHandlers.discarding()));
			}
			fast().until(() -> app.metric("busypool.state").orElse(0) == 1);
			long busyAt = System.nanoTime();
			fast().until(() -> "1".equals(haproxy.server("app1").get("weight")));
			long lowered = System.nanoTime() - busyAt;
			assertThat(haproxy.server("app1")).containsEntry("status", "UP");
			for (CompletableFuture<HttpResponse<Void>> response : held) {
				assertThat(response.get(WAIT.toSeconds(), TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
			fast().until(() -> app.metric("busypool.state").orElse(1) == 0);
			long freeAt = System.nanoTime();
			fast().until(() -> "100".equals(haproxy.server("app1").get("weight")));
			long restored = System.nanoTime() - freeAt;

			CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
				try {
					app.stop();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			long stopAt = System.nanoTime();
			try {
				fast().untilAsserted(() -> assertThat(haproxy.server("app1").get("status")).startsWith("DRAIN"));
				long drained = System.nanoTime() - stopAt;
				System.out.printf("HAProxy followed the agent (agent-inter 500ms): weight 1 %.0f ms after the app "
						+ "reported busy, 100 %.0f ms after it reported free, DRAIN %.0f ms after SIGTERM%n",
						lowered / 1e6, restored / 1e6, drained / 1e6);
				assertThat(haproxy.server("app1")).containsEntry("check_status", "L4OK");
				// Draining (drain-delay 5s), the app still serves what it is sent.
				assertThat(client.send(get(app.port, "/"), HttpResponse.BodyHandlers.ofString()).statusCode())
					.isEqualTo(200);
			}
			finally {
				// The stop must end (within WAIT) whatever happened above; then the app is back.
				stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				app.start();
				app.awaitReady(Duration.ofSeconds(90));
			}
		}
	}

	/** Polls often, so that the times printed are close to the truth (within the poll). */
	private static org.awaitility.core.ConditionFactory fast() {
		return await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).atMost(WAIT);
	}

	private Haproxy start(String recipe) throws Exception {
		Path own = Files.createTempDirectory(directory, recipe);
		return Haproxy.start(RECIPES.resolve(recipe), own, List.of(app), "lb1", QUICK_CHECKS);
	}

	private static void assertThatTheHomePageIsServedThrough(Haproxy haproxy) throws Exception {
		HttpResponse<String> page = client.send(get(haproxy.port, "/"), HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<html");
	}

	/** {@code GET /} requests the application served, by its own meter. */
	private static double pagesServed() {
		return app.metric("http.server.requests?tag=uri:/&tag=method:GET").orElse(0);
	}

	private static HttpRequest get(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT).build();
	}

}

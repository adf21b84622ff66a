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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The nginx recipe, {@code nginx/busy-pool.conf} as shipped, in a real nginx (Debian's)
 * in front of two sample-app JVMs with busy-pool and its default properties. Only the
 * ports change.
 * <p>
 * Not tagged {@code e2e}: they run in {@code ./mvnw verify}, and skip where nginx is not
 * installed (in CI they fail instead).
 */
class NginxRecipeTests {

	private static final Path RECIPE = Ports.repository().resolve("nginx/busy-pool.conf");

	private static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	@TempDir
	static Path directory;

	private static final List<Backend> apps = new ArrayList<>();

	private static Nginx nginx;

	@BeforeAll
	static void startTheApps() throws Exception {
		if (System.getenv("CI") == null) {
			assumeTrue(Nginx.installed(), "nginx is not installed");
		}
		for (int i = 1; i <= 2; i++) {
			apps.add(new Backend("app" + i, Fleet.sampleJar(), directory, true, null, Downstream.start(50)));
		}
		for (Backend app : apps) {
			app.start();
		}
		for (Backend app : apps) {
			app.awaitReady(Duration.ofSeconds(90));
		}
		Path dir = Files.createDirectories(directory.resolve("nginx"));
		nginx = Nginx.start(RECIPE, dir, apps);
	}

	@AfterAll
	static void stopTheApps() throws Exception {
		if (nginx != null) {
			nginx.close();
		}
		for (Backend app : apps) {
			app.close();
			app.downstream.close();
		}
	}

	@AfterEach
	void normalTimes() {
		for (Backend app : apps) {
			app.downstream.setLatencyMs(app.downstream.normalMs);
			app.downstream.forgetArrivals();
		}
	}

	@Test
	void theRecipeIsValidAndKeepsClientsOffTheCheck() throws Exception {
		assertThat(Nginx.check(directory.resolve("nginx/nginx.conf"))).contains("test is successful");
		assertThat(send("GET", "/api/quote", null).statusCode()).isEqualTo(200);
		assertThat(send("GET", "/busy-pool/check", null).statusCode()).isEqualTo(404);
	}

	/**
	 * app1's downstream takes 2 s, and app1 is busy with requests nginx does not see (from
	 * another balancer, say), so nginx's {@code least_conn} still sends it half the orders.
	 * Clients give each order 1 s: app1 knows it is slow, answers {@code 503} before running
	 * an order it cannot serve in time, and nginx sends that order to app2. Every order is
	 * answered {@code 200}, and each ran exactly once, though they are {@code POST}s.
	 */
	@Test
	void anOrderASlowServerCannotServeInTimeRunsOnceOnAnother() throws Exception {
		Backend slow = apps.get(0);
		slow.downstream.setLatencyMs(2000);
		double refusedBefore = slow.metric("busypool.deadlines?tag=outcome:refused").orElse(0);
		// Two requests at a time straight to app1, for as long as the orders take (at most
		// 60 s): the first ones teach it that calls now take 2 s.
		java.util.concurrent.atomic.AtomicBoolean ordering = new java.util.concurrent.atomic.AtomicBoolean(true);
		List<Thread> others = new ArrayList<>();
		long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		for (int i = 0; i < 2; i++) {
			Thread other = new Thread(() -> {
				while (ordering.get() && System.nanoTime() < until) {
					Backend.status(slow.port, "/api/quote");
				}
			});
			other.start();
			others.add(other);
		}
		org.awaitility.Awaitility.await()
			.atMost(Duration.ofSeconds(20))
			.until(() -> slow.downstream.slowCalls() >= 3);

		List<CompletableFuture<HttpResponse<String>>> orders = new ArrayList<>();
		int count = 40;
		try {
			for (int id = 1; id <= count; id++) {
				orders.add(sendAsync("POST", "/api/orders", id));
				Thread.sleep(50);
			}
			for (CompletableFuture<HttpResponse<String>> order : orders) {
				assertThat(order.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
			}
		}
		finally {
			ordering.set(false);
			for (Thread other : others) {
				other.join(TimeUnit.SECONDS.toMillis(10));
			}
		}
		int ranOnApp1 = 0;
		for (int id = 1; id <= count; id++) {
			int ran = apps.get(0).downstream.calls(id) + apps.get(1).downstream.calls(id);
			assertThat(ran).as("order %d ran", id).isEqualTo(1);
			ranOnApp1 += apps.get(0).downstream.calls(id);
		}
		double refused = slow.metric("busypool.deadlines?tag=outcome:refused").orElse(0) - refusedBefore;
		System.out.printf("nginx: %d orders, all 200, each run once; app1 (2 s, busy) refused %.0f before running "
				+ "them, ran %d%n", count, refused, ranOnApp1);
		assertThat(refused).isPositive();
		assertThat(ranOnApp1).isLessThan(count / 4);
	}

	/**
	 * A rolling restart with the default properties under a steady load of quotes and
	 * orders: nothing checks the apps, so each stops accepting at once on SIGTERM; nginx
	 * tries a refused connection on the other app, and the requests the app had are
	 * served. Nothing is lost.
	 */
	@Test
	void aRollingRestartWithTheDefaultsLosesNothing() throws Exception {
		Load quotes = new Load(URI.create("http://127.0.0.1:" + nginx.port + "/api/quote"), 30, Duration.ofSeconds(30),
				Duration.ofSeconds(10));
		quotes.start();
		Thread.sleep(3000);
		for (Backend app : apps) {
			app.stop();
			app.start();
			app.awaitReady(Duration.ofSeconds(90));
			Thread.sleep(2000);
		}
		assertThat(quotes.await(Duration.ofSeconds(30))).isTrue();
		int lost = 0;
		for (int status : quotes.status) {
			if (status != 200) {
				lost++;
			}
		}
		System.out.printf("nginx: rolling restart under %d quotes at 30 req/s: %d not answered 200%n", quotes.count,
				lost);
		assertThat(lost).isZero();
	}

	private static HttpResponse<String> send(String method, String path, Integer id) throws Exception {
		return client.send(request(method, path, id), HttpResponse.BodyHandlers.ofString());
	}

	private static CompletableFuture<HttpResponse<String>> sendAsync(String method, String path, int id) {
		return client.sendAsync(request(method, path, id), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest request(String method, String path, Integer id) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nginx.port + path))
			.timeout(Duration.ofSeconds(30))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.header("x-envoy-expected-rq-timeout-ms", "1000");
		if (id != null) {
			builder.header("X-Request-Id", Integer.toString(id));
		}
		return builder.build();
	}

}

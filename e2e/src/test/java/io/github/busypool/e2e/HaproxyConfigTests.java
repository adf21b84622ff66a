package io.github.busypool.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The bench runs the recipe files as they are, with only the ports and the server lines of a
 * fleet on one host rewritten.
 */
class HaproxyConfigTests {

	@TempDir
	static Path directory;

	private static final List<Backend> backends = new ArrayList<>();

	@BeforeAll
	static void backends() throws Exception {
		for (int i = 1; i <= 3; i++) {
			backends.add(new Backend("app" + i, Path.of("unused.jar"), directory, true, Duration.ZERO,
					Downstream.start(0)));
		}
	}

	@AfterAll
	static void close() {
		backends.forEach((backend) -> backend.downstream.close());
	}

	@ParameterizedTest
	@EnumSource(Mode.class)
	void everyModeKeepsItsRecipeAndGetsOneServerPerBackend(Mode mode) throws Exception {
		String recipe = Files.readString(mode.recipe());
		String config = Haproxy.rewrite(recipe, 18000, directory.resolve("admin.sock"), backends);
		for (String line : recipe.lines().toList()) {
			if (!line.contains("127.0.0.1:80")) {
				assertThat(config).as("recipe line kept").contains(line);
			}
		}
		assertThat(config).contains("bind 127.0.0.1:18000", "stats socket " + directory.resolve("admin.sock"));
		for (int i = 0; i < 3; i++) {
			Backend backend = backends.get(i);
			String name = "server app" + (i + 1) + " ";
			String server = config.lines()
				.filter((line) -> line.contains(name))
				.findFirst()
				.orElseThrow();
			assertThat(server).contains("127.0.0.1:" + backend.port);
			assertThat(server.contains(" port " + backend.checkPort)).isEqualTo(recipe.contains("port 8082"));
			assertThat(server.contains(" port " + backend.managementPort)).isEqualTo(recipe.contains("port 8081"));
			assertThat(server.contains("agent-port " + backend.agentPort)).isEqualTo(recipe.contains("agent-port 8083"));
		}
		if (Haproxy.installed()) {
			Path file = directory.resolve(mode.label + ".cfg");
			Files.writeString(file, config);
			assertThat(Haproxy.check(file)).startsWith("0 ");
		}
	}

	@Test
	void aRecipeWithoutTheExpectedLinesIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Haproxy.rewrite("global\nfrontend f\n    bind 127.0.0.1:9\n", 1, directory, backends))
			.withMessageContaining("bind 127.0.0.1:8000");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> Haproxy.rewrite("\nglobal\n    bind 127.0.0.1:8000\n", 1, directory, backends))
			.withMessageContaining("server app1");
	}

	@Test
	void statsAreReadByColumnName() {
		String csv = "# pxname,svname,qcur,scur,status,weight\napp,app1,0,8,UP,100\napp,BACKEND,42,8,UP,100\n\n";
		assertThat(Haproxy.parseStats(csv)).hasSize(2);
		assertThat(Haproxy.parseStats(csv).get(1)).containsEntry("qcur", "42").containsEntry("svname", "BACKEND");
		assertThat(Haproxy.parseStats("Unknown command\n")).isEmpty();
	}

	@Test
	void requestIdsAreShortDecimalNumbers() {
		assertThat(Downstream.parseId("123")).isEqualTo(123);
		assertThat(Downstream.parseId(null)).isNull();
		assertThat(Downstream.parseId("-1")).isNull();
		assertThat(Downstream.parseId("1234567890")).isNull();
		assertThat(Downstream.parseId("12a")).isNull();
	}

	@Test
	void percentilesComeFromAnHdrHistogramToThreeSignificantDigits() {
		long[] nanos = { 5_000_000, 1_000_000, 3_000_000, 2_000_000, 4_000_000, -1 };
		assertThat(Result.percentile(nanos, 50)).isCloseTo(3.0, within(0.003));
		assertThat(Result.percentile(nanos, 100)).isCloseTo(5.0, within(0.005));
		assertThat(Result.percentile(nanos, 1)).isCloseTo(1.0, within(0.001));
		assertThat(Result.percentile(new long[] { -1 }, 50)).isNaN();
		assertThat(Latencies.ofNanos(nanos).count()).as("the negative one left out").isEqualTo(5);
		// Past the histogram's ten minutes: counted as ten minutes, not dropped.
		assertThat(Latencies.ofNanos(java.util.concurrent.TimeUnit.HOURS.toNanos(1)).percentileMs(100))
			.isCloseTo(600_000.0, within(600.0));
	}

}

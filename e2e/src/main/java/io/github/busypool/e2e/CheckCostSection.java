package io.github.busypool.e2e;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The report's section on the CPU a check costs the backend, per kind of check.
 */
final class CheckCostSection {

	private final Report report;

	private final boolean quick;

	CheckCostSection(Report report, boolean quick) {
		this.report = report;
		this.quick = quick;
	}

	void run(Backend stock, Backend busy) throws Exception {
		this.report.line("## CPU a check costs the backend");
		this.report.line("");
		this.report.line("Each check on a new connection, as HAProxy makes it, one after the other against an idle backend; "
				+ "the backend's CPU time (from /proc) over the checks, minus its idle CPU over the same time. "
				+ "Per hour: 3 HAProxies checking every 2 s (5,400 checks).");
		this.report.line("");
		this.report.line("| check | answer | CPU per check | CPU per hour |");
		this.report.line("|---|---|---|---|");
		int n = this.quick ? 1000 : 4000;
		Map<String, IntFunction<Probe.Answer>> checks = new LinkedHashMap<>();
		checks.put("stock: `OPTIONS /` renders the home page", (i) -> Probe.http(stock.port, "OPTIONS / HTTP/1.0", 5000));
		checks.put("expert: `GET /actuator/health/readiness` (management port)",
				(i) -> Probe.http(stock.managementPort, "GET /actuator/health/readiness HTTP/1.0", 5000));
		checks.put("busy-pool filter: `OPTIONS /` (main port)", (i) -> Probe.http(busy.port, "OPTIONS / HTTP/1.0", 5000));
		checks.put("busy-pool check port: `GET /busy-pool/check`",
				(i) -> Probe.http(busy.checkPort, "GET /busy-pool/check HTTP/1.0", 5000));
		checks.put("busy-pool agent", (i) -> Probe.agent(busy.agentPort, 5000));
		for (Map.Entry<String, IntFunction<Probe.Answer>> check : checks.entrySet()) {
			Backend backend = check.getKey().startsWith("busy-pool") ? busy : stock;
			for (int i = 0; i < n / 4; i++) {
				check.getValue().apply(i);
			}
			long idleStart = backend.cpuNanos();
			long idleWall = System.nanoTime();
			Thread.sleep(2000);
			double idlePerNano = (double) (backend.cpuNanos() - idleStart) / (System.nanoTime() - idleWall);
			long cpu = backend.cpuNanos();
			long wall = System.nanoTime();
			String answer = null;
			for (int i = 0; i < n; i++) {
				answer = check.getValue().apply(i).firstLine();
			}
			double spent = (backend.cpuNanos() - cpu) - idlePerNano * (System.nanoTime() - wall);
			double perCheckUs = Math.max(0, spent / n / 1000);
			this.report.line(String.format("| %s | `%s` | %.0f µs | %.2f s |", check.getKey(), answer, perCheckUs,
					perCheckUs * 5400 / 1e6));
		}
		this.report.line("");
	}

}

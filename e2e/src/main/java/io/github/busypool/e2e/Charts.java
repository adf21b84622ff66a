package io.github.busypool.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PNG charts drawn by gnuplot from the CSV files, laid out like an operator's Graphite graphs.
 */
final class Charts {

	private Charts() {
	}

	static boolean available() {
		return Files.isExecutable(Path.of("/usr/bin/gnuplot"));
	}

	/** One chart per run: per backend busy threads, Tomcat queue and weight, HAProxy's queue, and client latency. */
	static void run(Path directory, String prefix, String title, int backends, List<Long> marks) throws Exception {
		String servers = directory.resolve(prefix + "-servers.csv").toString();
		String requests = directory.resolve(prefix + "-requests.csv").toString();
		StringBuilder gp = new StringBuilder();
		gp.append("set terminal pngcairo size 1000,1250 font 'sans,10'\n");
		gp.append("set output '").append(directory.resolve(prefix + ".png")).append("'\n");
		gp.append("set datafile separator ','\nset key outside right top\nset grid\n");
		gp.append("set multiplot layout 5,1 title '").append(title).append("' font 'sans,12'\n");
		gp.append("set lmargin 10\nset rmargin 18\n");
		for (long mark : marks) {
			gp.append(String.format("set arrow from %.1f, graph 0 to %.1f, graph 1 nohead dt 2 lc rgb '#888888'%n",
					mark / 1000.0, mark / 1000.0));
		}
		panel(gp, servers, "busy threads", backends, 4, "running");
		panel(gp, servers, "Tomcat queue", backends, 5, "queue");
		gp.append("set ylabel 'HAProxy queue'\nplot '").append(servers)
			.append("' using 1:2 every ::1 with lines lw 2 lc rgb '#d62728' title 'backend qcur'\n");
		panel(gp, servers, "HAProxy weight", backends, 2, "weight");
		gp.append("set ylabel 'client latency (s)'\nset xlabel 'time (s)'\nset yrange [0:*]\n");
		gp.append("plot '").append(requests)
			.append("' using 1:($3>=200 && $3<300 ? $2/1000 : 1/0) every ::1 with points pt 7 ps 0.3 lc rgb '#2ca02c' title 'ok', '")
			.append(requests)
			.append("' using 1:($3<200 || $3>=300 ? $2/1000 : 1/0) every ::1 with points pt 7 ps 0.4 lc rgb '#d62728' title 'failed'\n");
		gp.append("unset multiplot\n");
		gnuplot(directory.resolve(prefix + ".gp"), gp.toString());
	}

	private static void panel(StringBuilder gp, String csv, String label, int backends, int offset, String what) {
		gp.append("set ylabel '").append(label).append("'\nplot ");
		for (int i = 0; i < backends; i++) {
			// 9 columns per backend after t_s and haproxy_queue.
			int column = 3 + i * 9 + offset - 1;
			gp.append((i > 0) ? ", " : "").append('\'').append(csv).append("' using 1:").append(column)
				.append(" every ::1 with lines lw 1.5 title 'app").append(i + 1).append(' ').append(what).append('\'');
		}
		gp.append('\n');
	}

	/** Client latency of one scenario, one panel per mode: the headline picture. */
	static void compare(Path directory, String scenario, List<String> prefixes, List<String> titles, Path output)
			throws Exception {
		StringBuilder gp = new StringBuilder();
		gp.append("set terminal pngcairo size 1000,").append(230 * prefixes.size() + 60).append(" font 'sans,10'\n");
		gp.append("set output '").append(output).append("'\n");
		gp.append("set datafile separator ','\nset grid\nset key outside right top\nset yrange [0:11]\n");
		gp.append("set multiplot layout ").append(prefixes.size()).append(",1 title '").append(scenario)
			.append(": client latency of every request' font 'sans,12'\n");
		gp.append("set lmargin 10\nset rmargin 18\n");
		for (int i = 0; i < prefixes.size(); i++) {
			String requests = directory.resolve(prefixes.get(i) + "-requests.csv").toString();
			if (i == prefixes.size() - 1) {
				gp.append("set xlabel 'time (s)'\n");
			}
			gp.append("set ylabel '").append(titles.get(i)).append(" (s)'\n");
			gp.append("plot '").append(requests)
				.append("' using 1:($3>=200 && $3<300 ? $2/1000 : 1/0) every ::1 with points pt 7 ps 0.3 lc rgb '#2ca02c' title 'ok', '")
				.append(requests)
				.append("' using 1:($3<200 || $3>=300 ? $2/1000 : 1/0) every ::1 with points pt 7 ps 0.4 lc rgb '#d62728' title 'failed'\n");
		}
		gp.append("unset multiplot\n");
		gnuplot(output.resolveSibling(output.getFileName() + ".gp"), gp.toString());
	}

	private static void gnuplot(Path script, String text) throws IOException, InterruptedException {
		Files.writeString(script, text);
		Process gnuplot = new ProcessBuilder("gnuplot", script.toString()).redirectErrorStream(true)
			.redirectOutput(script.resolveSibling(script.getFileName() + ".log").toFile())
			.start();
		if (!gnuplot.waitFor(60, TimeUnit.SECONDS) || gnuplot.exitValue() != 0) {
			throw new IllegalStateException("gnuplot failed on " + script);
		}
	}

}

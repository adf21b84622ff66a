package io.github.busypool.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PNG charts drawn by gnuplot from the CSV files, laid out like an operator's Graphite
 * graphs. Every panel of a figure shares one x-range (the scenario's length), labels both
 * axes with their units, keeps its legend inside the frame, and shades the blip.
 */
final class Charts {

	/** Columns per backend in the servers CSV, after {@code t_s} and {@code haproxy_queue}. */
	private static final int COLUMNS_PER_BACKEND = 9;

	private static final String TIME = "time since the load began (s)";

	private Charts() {
	}

	static boolean available() {
		return Files.isExecutable(Path.of("/usr/bin/gnuplot"));
	}

	/**
	 * One chart per run: servers in rotation, per backend busy threads, Tomcat queue and
	 * weight, HAProxy's queue, and client latency.
	 * @param events the scenario's events, in ms since the load began
	 * @param lengthMs the scenario's length
	 */
	static void run(Path directory, String prefix, String title, int backends, Map<String, Long> events,
			long lengthMs) throws Exception {
		String servers = directory.resolve(prefix + "-servers.csv").toString();
		String requests = directory.resolve(prefix + "-requests.csv").toString();
		StringBuilder gp = new StringBuilder();
		gp.append("set terminal pngcairo size 1000,1450 font 'sans,10' noenhanced\n");
		gp.append("set output '").append(directory.resolve(prefix + ".png")).append("'\n");
		common(gp, events, lengthMs);
		gp.append("set multiplot layout 6,1 title '").append(title).append("' font 'sans,12'\n");
		upPanel(gp, servers, backends);
		panel(gp, servers, "busy threads", backends, 4, "running");
		panel(gp, servers, "requests queued in Tomcat", backends, 5, "queue");
		gp.append("set ylabel 'requests queued in HAProxy'\nplot '").append(servers)
			.append("' using 1:2 every ::1 with lines lw 2 lc rgb '#d62728' title 'backend qcur'\n");
		panel(gp, servers, "HAProxy weight", backends, 2, "weight");
		latencyPanel(gp, requests, "client latency (s)");
		gp.append("unset multiplot\n");
		gnuplot(directory.resolve(prefix + ".gp"), gp.toString());
	}

	/** Client latency of one scenario, one panel per mode, with the servers in rotation. */
	static void compare(Path directory, String scenario, List<String> prefixes, List<String> titles, int backends,
			Map<String, Long> events, long lengthMs, Path output) throws Exception {
		StringBuilder gp = new StringBuilder();
		gp.append("set terminal pngcairo size 1000,").append(240 * prefixes.size() + 60)
			.append(" font 'sans,10' noenhanced\n");
		gp.append("set output '").append(output).append("'\n");
		common(gp, events, lengthMs);
		gp.append("set multiplot layout ").append(prefixes.size()).append(",1 title '").append(scenario)
			.append(": client latency of every request, and the servers HAProxy had UP' font 'sans,12'\n");
		gp.append("set y2range [0:").append(backends + 2).append("]\nset y2tics 0,1,").append(backends)
			.append(" nomirror\nset ytics nomirror\nset y2label 'servers UP'\n");
		for (int i = 0; i < prefixes.size(); i++) {
			String requests = directory.resolve(prefixes.get(i) + "-requests.csv").toString();
			String servers = directory.resolve(prefixes.get(i) + "-servers.csv").toString();
			gp.append("set yrange [0:14]\nset ylabel '").append(titles.get(i)).append(": latency (s)'\n");
			gp.append("plot ").append(latencyPlots(requests)).append(", '").append(servers).append("' using 1:")
				.append(upCount(backends))
				.append(" every ::1 axes x1y2 with steps lw 2 lc rgb '#1f77b4' title 'servers UP (right)'\n");
		}
		gp.append("unset multiplot\n");
		gnuplot(output.resolveSibling(output.getFileName() + ".gp"), gp.toString());
	}

	/** One x-range, legends inside the frame, the blip shaded, other events as dashed lines. */
	private static void common(StringBuilder gp, Map<String, Long> events, long lengthMs) {
		gp.append("set datafile separator ','\nset grid\n");
		gp.append("set key inside top right opaque box\n");
		// Headroom above the data, so that the legend inside the frame covers none of it.
		gp.append("set offsets 0, 0, graph 0.35, 0\n");
		gp.append("set lmargin 12\nset rmargin 10\n");
		gp.append(String.format("set xrange [0:%.1f]%nset xlabel '%s'%n", lengthMs / 1000.0, TIME));
		Long start = events.get("blip start");
		Long end = events.get("blip end");
		if (start != null && end != null) {
			gp.append(String.format(
					"set object 1 rect from %.1f, graph 0 to %.1f, graph 1 fc rgb '#f4e3c1' fs solid 0.5 noborder behind%n",
					start / 1000.0, end / 1000.0));
			gp.append(String.format("set label 1 'blip' at %.1f, graph 0.92 tc rgb '#8a6d3b'%n", start / 1000.0 + 0.5));
		}
		int arrow = 1;
		for (Map.Entry<String, Long> event : events.entrySet()) {
			if (!event.getKey().startsWith("blip ")) {
				gp.append(String.format("set arrow %d from %.1f, graph 0 to %.1f, graph 1 nohead dt 2 lc rgb '#888888'%n",
						arrow++, event.getValue() / 1000.0, event.getValue() / 1000.0));
			}
		}
	}

	/** How many servers HAProxy had UP: where the story is a server going DOWN. */
	private static void upPanel(StringBuilder gp, String servers, int backends) {
		gp.append("set ylabel 'servers UP in HAProxy'\nset yrange [0:").append(backends + 1.5)
			.append("]\nset ytics 0,1\nplot '").append(servers).append("' using 1:").append(upCount(backends))
			.append(" every ::1 with steps lw 2 lc rgb '#1f77b4' title 'UP (DOWN, MAINT and DRAIN are not)'\n");
		gp.append("set yrange [*:*]\nset ytics autofreq\n");
	}

	/** A gnuplot expression: the number of backends whose status column starts with UP. */
	private static String upCount(int backends) {
		StringBuilder sum = new StringBuilder("(");
		for (int i = 0; i < backends; i++) {
			int column = 3 + i * COLUMNS_PER_BACKEND;
			sum.append((i > 0) ? "+" : "").append("(strstrt(strcol(").append(column).append("),'UP')==1?1:0)");
		}
		return sum.append(')').toString();
	}

	private static void panel(StringBuilder gp, String csv, String label, int backends, int offset, String what) {
		gp.append("set ylabel '").append(label).append("'\nplot ");
		for (int i = 0; i < backends; i++) {
			int column = 3 + i * COLUMNS_PER_BACKEND + offset - 1;
			gp.append((i > 0) ? ", " : "").append('\'').append(csv).append("' using 1:").append(column)
				.append(" every ::1 with lines lw 1.5 title 'app").append(i + 1).append(' ').append(what).append('\'');
		}
		gp.append('\n');
	}

	private static void latencyPanel(StringBuilder gp, String requests, String label) {
		gp.append("set ylabel '").append(label).append("'\nset yrange [0:*]\n");
		gp.append("plot ").append(latencyPlots(requests)).append('\n');
	}

	private static String latencyPlots(String requests) {
		return "'" + requests + "' using 1:($3>=200 && $3<300 ? $2/1000 : 1/0) every ::1 with points pt 7 ps 0.3 "
				+ "lc rgb '#2ca02c' title 'ok', '" + requests + "' using 1:($3<200 || $3>=300 ? $2/1000 : 1/0) "
				+ "every ::1 with points pt 7 ps 0.4 lc rgb '#d62728' title 'failed'";
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

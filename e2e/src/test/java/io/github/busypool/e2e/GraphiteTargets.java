package io.github.busypool.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the series paths out of Graphite target expressions, such as
 * {@code aliasByNode(perSecond(app.*.busypoolChecks.answer.*.count), 1, 4)}, and turns
 * Graphite's globs into regular expressions.
 */
final class GraphiteTargets {

	private GraphiteTargets() {
	}

	/**
	 * Returns the series paths of a target: the arguments, at any depth, that are neither
	 * function calls, numbers nor quoted strings.
	 */
	static List<String> seriesIn(String target) {
		List<String> series = new ArrayList<>();
		collect(target.trim(), series);
		return series;
	}

	private static void collect(String expression, List<String> series) {
		int open = expression.indexOf('(');
		if (open > 0 && expression.endsWith(")") && expression.substring(0, open).matches("[A-Za-z]+")) {
			for (String argument : splitArguments(expression.substring(open + 1, expression.length() - 1))) {
				collect(argument.trim(), series);
			}
		}
		else if (!expression.isEmpty() && !expression.matches("-?[0-9.]+") && !expression.startsWith("'")
				&& !expression.startsWith("\"")) {
			series.add(expression);
		}
	}

	/** Splits at the commas that are outside parentheses, braces and quotes. */
	private static List<String> splitArguments(String arguments) {
		List<String> parts = new ArrayList<>();
		int depth = 0;
		char quote = 0;
		int start = 0;
		for (int i = 0; i < arguments.length(); i++) {
			char c = arguments.charAt(i);
			if (quote != 0) {
				quote = (c == quote) ? 0 : quote;
			}
			else if (c == '\'' || c == '"') {
				quote = c;
			}
			else if (c == '(' || c == '{') {
				depth++;
			}
			else if (c == ')' || c == '}') {
				depth--;
			}
			else if (c == ',' && depth == 0) {
				parts.add(arguments.substring(start, i));
				start = i + 1;
			}
		}
		parts.add(arguments.substring(start));
		return parts;
	}

	/**
	 * Turns a Graphite path glob ({@code *}, {@code ?}, {@code {a,b}}, {@code [ab]}) into a
	 * regular expression over dotted paths.
	 */
	static Pattern toRegex(String glob) {
		StringBuilder regex = new StringBuilder();
		boolean inBraces = false;
		for (int i = 0; i < glob.length(); i++) {
			char c = glob.charAt(i);
			switch (c) {
				case '*' -> regex.append("[^.]*");
				case '?' -> regex.append("[^.]");
				case '{' -> {
					regex.append("(?:");
					inBraces = true;
				}
				case '}' -> {
					regex.append(")");
					inBraces = false;
				}
				case ',' -> regex.append(inBraces ? "|" : ",");
				case '[', ']' -> regex.append(c);
				default -> regex.append(Pattern.quote(String.valueOf(c)));
			}
		}
		return Pattern.compile(regex.toString());
	}

}

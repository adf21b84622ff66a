package io.github.busypool.autoconfigure;

/**
 * What a check path may be. The check filter compares it with the request URI exactly as
 * the client sent it, undecoded and unnormalized, so only a path that every client sends
 * byte for byte can ever match: RFC 3986 path characters that need no encoding, in
 * non-empty segments other than {@code .} and {@code ..}.
 */
final class CheckPath {

	/** Longer paths are a mistake, not a check. */
	static final int MAX_LENGTH = 256;

	private static final String SUB_DELIMS_AND_MORE = "-._~!$&'()*+,=:@";

	private CheckPath() {
	}

	/**
	 * Says what is wrong with a check path.
	 * @param path the path
	 * @return what is wrong, or {@code null} if it can match
	 */
	static String problem(String path) {
		if (path == null || path.isEmpty() || path.charAt(0) != '/') {
			return "must start with '/'";
		}
		if (path.length() == 1) {
			return "must name a path other than '/' (HAProxy's OPTIONS / is answered by busy-pool.check.haproxy-default)";
		}
		if (path.length() > MAX_LENGTH) {
			return "must be at most " + MAX_LENGTH + " characters";
		}
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			if (!isPathChar(c)) {
				return "may hold only ASCII letters, digits, '/' and " + SUB_DELIMS_AND_MORE
						+ " (clients percent-encode anything else, and ';', '?', '#' and '%' are not part of a path), "
						+ "not " + describe(c);
			}
		}
		for (String segment : path.substring(1).split("/", -1)) {
			if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
				return "must not hold empty, '.' or '..' segments";
			}
		}
		return null;
	}

	private static boolean isPathChar(char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/'
				|| SUB_DELIMS_AND_MORE.indexOf(c) >= 0;
	}

	private static String describe(char c) {
		return (c > ' ' && c < 0x7f) ? "'" + c + "'" : String.format("U+%04X", (int) c);
	}

}

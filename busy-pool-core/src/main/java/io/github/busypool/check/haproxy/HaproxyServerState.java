package io.github.busypool.check.haproxy;

/**
 * What one HAProxy says of this server in the {@code X-Haproxy-Server-State} header it
 * sends with its checks ({@code http-check send-state}), for example
 * {@code UP 2/3; name=app/app1; node=lb1; weight=1/2; scur=13/22; qcur=0}.
 *
 * @param node the HAProxy node that sent it
 * @param up whether HAProxy's status word is {@code UP} (also while a failing server is
 * still up, as in {@code UP 1/3})
 * @param weight the server's current weight
 * @param sessions the server's current sessions ({@code scur})
 * @param queue the requests HAProxy queues for this server ({@code qcur})
 */
public record HaproxyServerState(String node, boolean up, int weight, int sessions, int queue) {

	/** Longer headers are not HAProxy's. */
	static final int MAX_LENGTH = 512;

	/** Node names are tag values: kept short and plain. */
	static final int MAX_NODE_LENGTH = 64;

	/**
	 * Parses a header value.
	 * @param header the value of {@code X-Haproxy-Server-State}, or {@code null}
	 * @return the state, or {@code null} if the value is missing or malformed
	 */
	public static HaproxyServerState parse(String header) {
		if (header == null || header.isEmpty() || header.length() > MAX_LENGTH) {
			return null;
		}
		String[] parts = header.split(";");
		String status = parts[0].trim();
		int space = status.indexOf(' ');
		String word = (space < 0) ? status : status.substring(0, space);
		if (!isStatusWord(word)) {
			return null;
		}
		String node = null;
		int weight = -1;
		int sessions = -1;
		int queue = -1;
		for (int i = 1; i < parts.length; i++) {
			String part = parts[i].trim();
			int equals = part.indexOf('=');
			if (equals < 1) {
				continue;
			}
			String key = part.substring(0, equals);
			String value = part.substring(equals + 1);
			switch (key) {
				case "node" -> node = isNodeName(value) ? value : null;
				case "weight" -> weight = first(value);
				case "scur" -> sessions = first(value);
				case "qcur" -> queue = number(value);
				default -> {
					// name, throttle and anything newer: not reported
				}
			}
		}
		if (node == null || weight < 0 || sessions < 0 || queue < 0) {
			return null;
		}
		return new HaproxyServerState(node, "UP".equals(word), weight, sessions, queue);
	}

	private static boolean isStatusWord(String word) {
		if (word.isEmpty() || word.length() > 16) {
			return false;
		}
		for (int i = 0; i < word.length(); i++) {
			char c = word.charAt(i);
			if (c < 'A' || c > 'Z') {
				return false;
			}
		}
		return true;
	}

	private static boolean isNodeName(String value) {
		if (value.isEmpty() || value.length() > MAX_NODE_LENGTH) {
			return false;
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_' || c == '.';
			if (!plain) {
				return false;
			}
		}
		return true;
	}

	/** The {@code a} of {@code a/b}. */
	private static int first(String value) {
		int slash = value.indexOf('/');
		return number((slash < 0) ? value : value.substring(0, slash));
	}

	private static int number(String value) {
		if (value.isEmpty() || value.length() > 9) {
			return -1;
		}
		int result = 0;
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			result = result * 10 + (c - '0');
		}
		return result;
	}

}

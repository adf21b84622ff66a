package io.github.busypool.shed;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The deadline assumed for a request that carries none: the one of the longest path prefix
 * that matches its path, else a global one, else none. A prefix matches the path itself and
 * anything below it ({@code /api} matches {@code /api} and {@code /api/quote}, not
 * {@code /apiary}). Immutable; a lookup allocates nothing.
 */
public final class DeadlineDefaults {

	/** No default at all: a request without a deadline has none. */
	public static final DeadlineDefaults NONE = new DeadlineDefaults(ClientDeadline.ABSENT, Map.of());

	private final long millis;

	private final List<Map.Entry<String, Long>> paths;

	/**
	 * Creates defaults.
	 * @param millis the global default in milliseconds, or {@link ClientDeadline#ABSENT}
	 * @param paths defaults by path prefix, in milliseconds; each prefix starts with
	 * {@code /}
	 */
	public DeadlineDefaults(long millis, Map<String, Long> paths) {
		this.millis = millis;
		this.paths = paths.entrySet()
			.stream()
			.map((e) -> Map.entry(trim(e.getKey()), e.getValue()))
			.sorted(Comparator.comparingInt((Map.Entry<String, Long> e) -> e.getKey().length()).reversed())
			.toList();
	}

	private static String trim(String prefix) {
		return (prefix.length() > 1 && prefix.endsWith("/")) ? prefix.substring(0, prefix.length() - 1) : prefix;
	}

	/**
	 * Whether any default is set: when none is, there is no need to look at the path.
	 * @return whether {@link #millisFor} can return anything but {@code ABSENT}
	 */
	public boolean any() {
		return this.millis != ClientDeadline.ABSENT || !this.paths.isEmpty();
	}

	/**
	 * Returns the default deadline of a path.
	 * @param path the request's path, without its query
	 * @return milliseconds, or {@link ClientDeadline#ABSENT}
	 */
	public long millisFor(String path) {
		for (Map.Entry<String, Long> entry : this.paths) {
			String prefix = entry.getKey();
			if (path.startsWith(prefix) && (path.length() == prefix.length() || prefix.equals("/")
					|| path.charAt(prefix.length()) == '/')) {
				return entry.getValue();
			}
		}
		return this.millis;
	}

}

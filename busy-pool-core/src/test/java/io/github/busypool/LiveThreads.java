package io.github.busypool;

import java.util.List;

/**
 * The names of live threads, for tests that check that nothing leaks.
 */
public final class LiveThreads {

	private LiveThreads() {
	}

	/**
	 * Returns the names of the live threads whose name starts with a prefix.
	 * @param prefix the prefix
	 * @return the names
	 */
	public static List<String> named(String prefix) {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter(Thread::isAlive)
			.map(Thread::getName)
			.filter((name) -> name.startsWith(prefix))
			.toList();
	}

}

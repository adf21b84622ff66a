package io.github.busypool.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.core.env.Environment;

/**
 * Checks the {@code busy-pool.*} settings that would otherwise be read wrong without a
 * word: {@code busy-pool.enabled} must be {@code true} or {@code false} (the starter's
 * condition treats anything else as off), and a key that busy-pool does not know, such as
 * {@code busy-pool.check.prot}, is reported once, with the nearest known key.
 * <p>
 * Known keys come from the configuration metadata that busy-pool's jar carries, the same
 * list IDEs complete from.
 */
final class BusyPoolSettingsCheck {

	static final String ENABLED = "busy-pool.enabled";

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("busy-pool");

	private static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final Log logger = LogFactory.getLog(BusyPoolSettingsCheck.class);

	/**
	 * Refuses a {@code busy-pool.enabled} that is neither true nor false, and warns of
	 * unknown keys.
	 * @param environment the environment
	 * @param classLoader where the configuration metadata is found
	 * @throws InvalidBusyPoolPropertyException if busy-pool.enabled is invalid
	 */
	BusyPoolSettingsCheck(Environment environment, ClassLoader classLoader) {
		check(environment, classLoader);
	}

	private static void check(Environment environment, ClassLoader classLoader) {
		String enabled = environment.getProperty(ENABLED);
		if (enabled != null && !enabled.trim().equalsIgnoreCase("true") && !enabled.trim().equalsIgnoreCase("false")) {
			throw new InvalidBusyPoolPropertyException(ENABLED, enabled,
					"must be true or false (anything else would turn busy-pool off without a word)",
					"Set busy-pool.enabled to true, or to false to turn busy-pool off.");
		}
		Set<String> known = knownKeys(classLoader);
		if (known.isEmpty()) {
			return;
		}
		List<String> unknown = new ArrayList<>();
		List<ConfigurationPropertyName> knownNames = known.stream().map(ConfigurationPropertyName::of).toList();
		keysSet(environment).forEach((key, name) -> {
			if (knownNames.stream().noneMatch((k) -> k.equals(name) || k.isAncestorOf(name))) {
				// Indexed (list) and map keys sit below the property they belong to.
				unknown.add(key);
			}
		});
		if (!unknown.isEmpty()) {
			StringBuilder message = new StringBuilder("busy-pool ignores unknown properties:");
			for (String key : unknown) {
				message.append(' ').append(key);
				String nearest = nearest(key, known);
				if (nearest != null) {
					message.append(" (did you mean ").append(nearest).append("?)");
				}
				message.append(';');
			}
			message.setLength(message.length() - 1);
			logger.warn(message.append(". The known ones are listed in docs/CONFIGURATION.md."));
		}
	}

	private static Map<String, ConfigurationPropertyName> keysSet(Environment environment) {
		Map<String, ConfigurationPropertyName> keys = new TreeMap<>();
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.filter(ROOT::isAncestorOf).forEach((name) -> keys.putIfAbsent(name.toString(), name));
			}
		}
		return keys;
	}

	private static Set<String> knownKeys(ClassLoader classLoader) {
		Set<String> known = new TreeSet<>();
		try {
			Enumeration<URL> resources = classLoader.getResources(METADATA);
			while (resources.hasMoreElements()) {
				try (InputStream in = resources.nextElement().openStream()) {
					Map<String, Object> metadata = JsonParserFactory.getJsonParser()
						.parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
					if (metadata.get("properties") instanceof List<?> properties) {
						for (Object property : properties) {
							if (property instanceof Map<?, ?> map && map.get("name") instanceof String name
									&& name.startsWith("busy-pool.")) {
								known.add(name);
							}
						}
					}
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("busy-pool: cannot read configuration metadata, unknown keys are not reported: " + ex);
			return Set.of();
		}
		return known;
	}

	/** The known key at the smallest edit distance, if that distance is small. */
	private static String nearest(String key, Set<String> known) {
		String best = null;
		int bestDistance = Integer.MAX_VALUE;
		for (String candidate : known) {
			int distance = distance(key, candidate);
			if (distance < bestDistance) {
				best = candidate;
				bestDistance = distance;
			}
		}
		return (bestDistance <= Math.max(2, key.length() / 4)) ? best : null;
	}

	private static int distance(String a, String b) {
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return previous[b.length()];
	}

}

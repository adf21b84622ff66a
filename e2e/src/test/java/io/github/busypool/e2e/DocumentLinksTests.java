package io.github.busypool.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link in the README and under {@code docs/} leads somewhere: to a file of
 * the repository and, with an {@code #anchor}, to a heading of that page as GitHub names it.
 */
class DocumentLinksTests {

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);

	@Test
	void everyRelativeLinkResolves() throws IOException {
		Path root = Ports.repository();
		List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("CHANGELOG.md")));
		try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
			docs.filter((p) -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		List<String> broken = new ArrayList<>();
		int checked = 0;
		for (Path page : pages) {
			String text = withoutCode(Files.readString(page));
			Matcher link = LINK.matcher(text);
			while (link.find()) {
				String target = link.group(1);
				if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
					continue;
				}
				checked++;
				int hash = target.indexOf('#');
				String path = (hash >= 0) ? target.substring(0, hash) : target;
				String anchor = (hash >= 0) ? target.substring(hash + 1) : null;
				Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
				if (!Files.exists(file)) {
					broken.add(root.relativize(page) + ": " + target + " (no such file)");
				}
				else if (anchor != null && file.toString().endsWith(".md") && !anchors(file).contains(anchor)) {
					broken.add(root.relativize(page) + ": " + target + " (no such heading)");
				}
			}
		}
		assertThat(checked).isGreaterThan(50);
		assertThat(broken).isEmpty();
	}

	/** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces to hyphens. */
	static Set<String> anchors(Path page) throws IOException {
		Set<String> anchors = new HashSet<>();
		Matcher heading = HEADING.matcher(withoutCode(Files.readString(page)));
		while (heading.find()) {
			String slug = heading.group(1)
				.strip()
				.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
				.replace(' ', '-');
			String unique = slug;
			for (int n = 1; !anchors.add(unique); n++) {
				unique = slug + "-" + n;
			}
		}
		return anchors;
	}

	/** The page without its fenced code blocks, where a # starts a comment, not a heading. */
	private static String withoutCode(String text) {
		return text.replaceAll("(?s)```.*?```", "");
	}

}

package io.github.busypool.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.http.server.PathContainer;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Warns, once the application has started, when {@code busy-pool.check.path} is also one of
 * the application's own routes: the check filter answers it before the application sees
 * it, so the route would silently stop working.
 */
final class CheckPathShadowing implements ApplicationListener<ContextRefreshedEvent>, ApplicationContextAware {

	private static final Log logger = LogFactory.getLog(CheckPathShadowing.class);

	private final String checkPath;

	private boolean checked;

	private ApplicationContext context;

	CheckPathShadowing(String checkPath) {
		this.checkPath = checkPath;
	}

	@Override
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	@Override
	public void onApplicationEvent(ContextRefreshedEvent event) {
		// Only this context's own refresh: a child's (the management context) reaches the
		// parent's listeners too.
		if (this.checked || event.getApplicationContext() != this.context) {
			return;
		}
		this.checked = true;
		List<String> routes = shadowed(event.getApplicationContext().getBeansOfType(RequestMappingHandlerMapping.class));
		if (!routes.isEmpty()) {
			logger.warn("busy-pool.check.path " + this.checkPath + " is also a route of this application ("
					+ String.join(", ", routes) + "): busy-pool answers GET, HEAD and OPTIONS there before the "
					+ "application sees them. Set busy-pool.check.path to a path of its own, for example "
					+ "/busy-pool/check.");
		}
	}

	List<String> shadowed(Map<String, RequestMappingHandlerMapping> mappings) {
		PathContainer path = PathContainer.parsePath(this.checkPath);
		List<String> routes = new ArrayList<>();
		for (RequestMappingHandlerMapping mapping : mappings.values()) {
			for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
				for (String pattern : entry.getKey().getPatternValues()) {
					PathPattern parsed = PathPatternParser.defaultInstance.parse(pattern);
					if (parsed.matches(path)) {
						routes.add(pattern + " -> " + entry.getValue().getShortLogMessage());
					}
				}
			}
		}
		return routes;
	}

}

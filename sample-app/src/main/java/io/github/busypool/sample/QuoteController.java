package io.github.busypool.sample;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * Calls the downstream service with a timeout: the realistic path on which a network blip
 * holds worker threads ({@code GET /api/quote}, and {@code POST /api/orders}). An {@code X-Request-Id} is passed on, as tracing would, so that a
 * downstream can tell which client request it is serving.
 */
@RestController
class QuoteController {

	static final String REQUEST_ID = "X-Request-Id";

	private final RestClient client;

	private final String url;

	private final ObjectProvider<Downstream> downstream;

	QuoteController(SampleProperties properties, ObjectProvider<Downstream> downstream) {
		SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
		requests.setConnectTimeout(properties.getTimeout());
		requests.setReadTimeout(properties.getTimeout());
		this.client = RestClient.builder().requestFactory(requests).build();
		this.url = properties.getUrl();
		this.downstream = downstream;
	}

	@GetMapping(path = "/api/quote", produces = "text/plain")
	ResponseEntity<String> quote(@RequestHeader(name = REQUEST_ID, required = false) String requestId) {
		try {
			RestClient.RequestHeadersSpec<?> call = this.client.get().uri(url());
			if (requestId != null && requestId.length() <= 64) {
				call = call.header(REQUEST_ID, requestId);
			}
			return ResponseEntity.ok(call.retrieve().body(String.class));
		}
		catch (ResourceAccessException ex) {
			return ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).body("downstream did not answer in time\n");
		}
		catch (RestClientResponseException ex) {
			return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
				.body("downstream answered " + ex.getStatusCode().value() + "\n");
		}
	}

	/**
	 * Places an order: the same downstream call, on a method a load balancer must not
	 * repeat once the application has run it. busy-pool's own {@code 503} comes before it
	 * runs, so a balancer may send that one to another server (see the nginx recipe).
	 */
	@PostMapping(path = "/api/orders", produces = "text/plain")
	ResponseEntity<String> order(@RequestHeader(name = REQUEST_ID, required = false) String requestId) {
		return quote(requestId);
	}

	private String url() {
		if (!this.url.isEmpty()) {
			return this.url;
		}
		Downstream standIn = this.downstream.getIfAvailable();
		if (standIn == null) {
			throw new IllegalStateException("Set sample.downstream.url, or enable sample.downstream.embedded");
		}
		return standIn.quoteUrl();
	}

}

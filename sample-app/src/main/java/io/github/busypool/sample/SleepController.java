package io.github.busypool.sample;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Holds a worker thread for a while, as a slow dependency would.
 */
@RestController
class SleepController {

	static final long MAX_MS = 60_000;

	@GetMapping(path = "/sleep", produces = "text/plain")
	ResponseEntity<String> sleep(@RequestParam(name = "ms", defaultValue = "1000") long ms)
			throws InterruptedException {
		if (ms < 0) {
			return ResponseEntity.badRequest().body("ms must be 0 or more\n");
		}
		long slept = Math.min(ms, MAX_MS);
		Thread.sleep(slept);
		return ResponseEntity.ok("slept " + slept + " ms\n");
	}

}

package io.github.busypool;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Requests that hold their thread until the test releases them ({@code /hold}, answering
 * which kind of thread ran it), or for a time ({@code /sleep}).
 */
@RestController
public class HoldController {

	/** Counted down once to release every held request. */
	public final CountDownLatch release = new CountDownLatch(1);

	/** Requests holding now. */
	public final AtomicInteger running = new AtomicInteger();

	/** The most that held at once. */
	public final AtomicInteger mostRunning = new AtomicInteger();

	@GetMapping("/hold")
	String hold() throws Exception {
		this.mostRunning.accumulateAndGet(this.running.incrementAndGet(), Math::max);
		try {
			this.release.await(30, TimeUnit.SECONDS);
			return Thread.currentThread().toString().startsWith("VirtualThread") ? "virtual" : "platform";
		}
		finally {
			this.running.decrementAndGet();
		}
	}

	@GetMapping("/sleep")
	String sleep(@RequestParam long ms) throws Exception {
		Thread.sleep(ms);
		return "slept";
	}

}

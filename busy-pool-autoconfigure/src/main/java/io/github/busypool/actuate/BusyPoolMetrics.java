package io.github.busypool.actuate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.noop.NoopTimer;

import io.github.busypool.BusyPool;
import io.github.busypool.signal.DrainablePool;
import io.github.busypool.BusyState;
import io.github.busypool.speed.ServiceSpeed;
import io.github.busypool.check.CheckCounters;
import io.github.busypool.check.CheckVia;
import io.github.busypool.check.haproxy.HaproxyServerState;
import io.github.busypool.check.haproxy.HaproxyView;
import io.github.busypool.shed.DeadlineOutcome;
import io.github.busypool.shed.ShedReason;
import io.github.busypool.shed.Shedder;

/**
 * {@link MeterBinder} for a {@link BusyPool}: its state, threads, queue, queue
 * wait, transitions, busy time, the checks answered, and what each HAProxy node says of
 * this server ({@code busypool.haproxy.*}, tag {@code node}). Gauges read the pool itself
 * when a registry polls them; the only per-task cost is recording a queue wait, which
 * reaches the registry's timer off the task's thread (see {@link DeferredQueueWaits}).
 */
public class BusyPoolMetrics implements MeterBinder, AutoCloseable {

	/** micrometer-core brings HdrHistogram, unless an application excludes it. */
	private static final boolean HDR_HISTOGRAM_PRESENT = isPresent("org.HdrHistogram.Recorder");

	private final DrainablePool executor;

	private final CheckCounters checks;

	private final List<CheckVia> checkPaths;

	private final HaproxyView haproxy;

	private final List<Runnable> removals = new ArrayList<>();

	/** The gauges of each HAProxy node, removed when the node is dropped. */
	private final Map<String, List<Meter>> nodeGauges = new HashMap<>();

	private Shedder shedder;

	private ServiceSpeed speed;

	private DeferredQueueWaits queueWaits;

	private MeterRegistry registry;

	/** What the count gauges read, one snapshot per scrape. */
	private final ScrapeSnapshot scrape;

	/**
	 * Registers and removes the gauges of HAProxy nodes, in order, on a thread of its own
	 * that lives only while there is work: never on the check thread that saw the node.
	 */
	private final ThreadPoolExecutor nodeBinder = new ThreadPoolExecutor(0, 1, 5, TimeUnit.SECONDS,
			new LinkedBlockingQueue<>(), (task) -> {
				Thread thread = new Thread(task, "busy-pool-haproxy-meters");
				thread.setDaemon(true);
				return thread;
			}, new ThreadPoolExecutor.DiscardPolicy());

	/**
	 * Creates a binder.
	 * @param executor the pool
	 * @param checks the counted checks
	 * @param checkPaths the check paths to report, even before their first check
	 */
	public BusyPoolMetrics(DrainablePool executor, CheckCounters checks, List<CheckVia> checkPaths) {
		this(executor, checks, checkPaths, null);
	}

	/**
	 * Creates a binder that also reports what HAProxy says of this server.
	 * @param executor the pool
	 * @param checks the counted checks
	 * @param checkPaths the check paths to report, even before their first check
	 * @param haproxy HAProxy's view, or {@code null}
	 */
	public BusyPoolMetrics(DrainablePool executor, CheckCounters checks, List<CheckVia> checkPaths,
			HaproxyView haproxy) {
		this.executor = executor;
		this.scrape = new ScrapeSnapshot(executor);
		this.checks = checks;
		this.checkPaths = List.copyOf(checkPaths);
		this.haproxy = haproxy;
	}

	/**
	 * Reports what a shedder sheds, as {@code busypool.shed} with tag {@code reason}.
	 * @param shedder the shedder
	 * @return this binder
	 */
	public BusyPoolMetrics withShedder(Shedder shedder) {
		this.shedder = shedder;
		return this;
	}

	/**
	 * Reports how fast the server serves, as {@code busypool.speed} and
	 * {@code busypool.service.time} (tag {@code estimate}: {@code recent} or {@code normal}).
	 * @param speed the server's speed
	 * @return this binder
	 */
	public BusyPoolMetrics withSpeed(ServiceSpeed speed) {
		this.speed = speed;
		return this;
	}

	@Override
	public synchronized void bindTo(MeterRegistry registry) {
		DrainablePool pool = this.executor;
		// Held here: a gauge keeps only a weak reference to the object it reads.
		ScrapeSnapshot scrape = this.scrape;
		add(registry, Gauge.builder("busypool.state", scrape, (p) -> p.get().state().code())
			.description("The state of the pool: 0 free, 1 busy, 2 draining")
			.register(registry));
		add(registry, Gauge.builder("busypool.threads.active", scrape, (p) -> p.get().activeThreads())
			.description("Threads running a task")
			.baseUnit("threads")
			.register(registry));
		add(registry, Gauge.builder("busypool.threads.idle", scrape, (p) -> p.get().idleThreads())
			.description("Pool threads not running a task")
			.baseUnit("threads")
			.register(registry));
		add(registry, Gauge.builder("busypool.threads.max", scrape, (p) -> p.get().maxThreads())
			.description("The maximum number of threads")
			.baseUnit("threads")
			.register(registry));
		add(registry, Gauge.builder("busypool.queue.size", scrape, (p) -> p.get().queued())
			.description("Tasks waiting for a thread")
			.baseUnit("tasks")
			.register(registry));
		Timer wait = Timer.builder("busypool.queue.wait")
			.description("How long tasks that found no idle thread waited in the queue before a thread took them")
			.register(registry);
		add(registry, wait);
		if (!(wait instanceof NoopTimer)) {
			// Turned off with management.metrics.enable.busypool.queue.wait=false: then
			// tasks are not timed at all.
			if (HDR_HISTOGRAM_PRESENT) {
				this.queueWaits = new DeferredQueueWaits(wait);
				pool.setQueueWaitRecorder(this.queueWaits);
			}
			else {
				pool.setQueueWaitRecorder((nanos) -> wait.record(nanos, TimeUnit.NANOSECONDS));
			}
		}
		for (BusyState to : List.of(BusyState.BUSY, BusyState.FREE)) {
			add(registry, FunctionCounter.builder("busypool.transitions", pool, (p) -> p.getTransitionCount(to))
				.description("Transitions signalled by the pool")
				.tag("to", to.label())
				.register(registry));
		}
		add(registry, FunctionCounter.builder("busypool.transitions.skipped", pool, BusyPool::getSkippedTransitions)
			.description("Transitions listeners were not told because they had fallen too far behind (a listener "
					+ "that blocks); they were told of the state they missed in one transition instead")
			.register(registry));
		add(registry, FunctionCounter
			.builder("busypool.busy.time", pool, (p) -> p.getBusyTime().toNanos() / (double) TimeUnit.SECONDS.toNanos(1))
			.description("Total time the pool has spent busy")
			.baseUnit("seconds")
			.register(registry));
		for (CheckVia via : this.checkPaths) {
			for (BusyState answer : BusyState.values()) {
				add(registry, FunctionCounter.builder("busypool.checks", this.checks, (c) -> c.count(via, answer))
					.description("Checks answered")
					.tag("answer", answer.label())
					.tag("via", via.tag())
					.register(registry));
			}
		}
		if (this.shedder != null) {
			for (ShedReason reason : ShedReason.values()) {
				add(registry, FunctionCounter.builder("busypool.shed", this.shedder, (s) -> s.count(reason))
					.description("Requests answered 503 instead of being run")
					.tag("reason", reason.tag())
					.register(registry));
			}
			for (DeadlineOutcome outcome : DeadlineOutcome.values()) {
				add(registry, FunctionCounter.builder("busypool.deadlines", this.shedder, (s) -> s.count(outcome))
					.description("Client deadlines seen at admission, by what became of them")
					.tag("outcome", outcome.tag())
					.register(registry));
			}
		}
		if (this.speed != null) {
			add(registry, Gauge.builder("busypool.speed", this.speed, (s) -> refreshed(s).speed())
				.description("How fast requests are served compared with this server's normal: 1 as fast, "
						+ "towards 0 slower; the agent's weight follows it")
				.register(registry));
			add(registry, Gauge.builder("busypool.service.time", this.speed, (s) -> refreshed(s).recentSeconds())
				.description("How long requests take to serve: recent, peak-sensitive")
				.tag("estimate", "recent")
				.baseUnit("seconds")
				.register(registry));
			add(registry, Gauge.builder("busypool.service.time", this.speed, (s) -> refreshed(s).normalSeconds())
				.description("How long requests take to serve: the server's normal")
				.tag("estimate", "normal")
				.baseUnit("seconds")
				.register(registry));
		}
		if (this.haproxy != null) {
			this.registry = registry;
			this.haproxy.nodes().forEach(this::bindNode);
			this.haproxy.onNewNode((node) -> this.nodeBinder.execute(() -> bindNode(node)));
			this.haproxy.onRemovedNode((node) -> this.nodeBinder.execute(() -> unbindNode(node)));
		}
	}

	private synchronized void bindNode(HaproxyView.Node node) {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		bindNode(registry, node, "busypool.haproxy.up", "Whether HAProxy sees this server as UP (1) or not (0)",
				(s) -> s.up() ? 1 : 0);
		bindNode(registry, node, "busypool.haproxy.weight", "This server's current weight in HAProxy",
				HaproxyServerState::weight);
		bindNode(registry, node, "busypool.haproxy.sessions", "HAProxy's current sessions on this server",
				HaproxyServerState::sessions);
		bindNode(registry, node, "busypool.haproxy.queue", "Requests HAProxy queues for this server",
				HaproxyServerState::queue);
	}

	private void bindNode(MeterRegistry registry, HaproxyView.Node node, String name, String description,
			ToDoubleFunction<HaproxyServerState> value) {
		Gauge gauge = Gauge.builder(name, node, (n) -> {
			HaproxyServerState state = n.current();
			return (state != null) ? value.applyAsDouble(state) : Double.NaN;
		}).description(description).tag("node", node.name()).register(registry);
		// Kept per node only, not in the removals: nodes come and go (stale ones make way
		// for new ones), and each must take its gauges with it.
		this.nodeGauges.computeIfAbsent(node.name(), (key) -> new ArrayList<>()).add(gauge);
	}

	private synchronized void unbindNode(HaproxyView.Node node) {
		MeterRegistry registry = this.registry;
		List<Meter> gauges = this.nodeGauges.remove(node.name());
		if (registry != null && gauges != null) {
			gauges.forEach(registry::remove);
		}
	}

	private static ServiceSpeed refreshed(ServiceSpeed speed) {
		speed.refresh(System.nanoTime());
		return speed;
	}

	private static boolean isPresent(String className) {
		try {
			Class.forName(className, false, BusyPoolMetrics.class.getClassLoader());
			return true;
		}
		catch (ClassNotFoundException | LinkageError ex) {
			return false;
		}
	}

	private void add(MeterRegistry registry, Meter meter) {
		this.removals.add(() -> registry.remove(meter));
	}

	/**
	 * Stops recording queue waits and removes the meters from the registry.
	 */
	@Override
	public synchronized void close() {
		MeterRegistry registry = this.registry;
		this.registry = null;
		this.executor.setQueueWaitRecorder(null);
		if (this.queueWaits != null) {
			this.queueWaits.close();
			this.queueWaits = null;
		}
		this.removals.forEach(Runnable::run);
		this.removals.clear();
		this.nodeBinder.shutdownNow();
		if (registry != null) {
			this.nodeGauges.values().forEach((gauges) -> gauges.forEach(registry::remove));
		}
		this.nodeGauges.clear();
	}

}

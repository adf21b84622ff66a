package io.github.busypool.signal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * JCStress proofs of the busy/free state machine ({@link BusyTracker}) under the
 * executor's protocol. Each result is (state equals the truth, transitions made, log
 * whole); a wrong final state or a broken log is forbidden.
 */
public final class BusyTrackerStressTests {

	private BusyTrackerStressTests() {
	}

	/** A full pool (2 tasks, 2 threads): one more task and one finished race. */
	@JCStressTest
	@Description("Submit and complete race on a full pool: it ends free, any busy/free pair is linked once")
	@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "True state, fewest transitions")
	@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "True state, after extra busy/free pairs")
	@Outcome(expect = Expect.FORBIDDEN, desc = "Wrong final state, or a broken log")
	@State
	public static class SubmitAgainstComplete extends TrackedPool {

		public SubmitAgainstComplete() {
			super(2, 0);
		}

		@Actor
		public void submit1() {
			submit();
		}

		@Actor
		public void complete2() {
			complete();
		}

		@Arbiter
		public void arbiter(III_Result result) {
			judge(0, this.before, this.sequenceBefore, result);
		}

	}

	/** Two tasks over a full pool: exactly one transition to busy. */
	@JCStressTest
	@Description("Two submits on a full pool: it ends busy, every transition linked once")
	@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "True state, one transition")
	@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "True state, after extra busy/free pairs")
	@Outcome(expect = Expect.FORBIDDEN, desc = "Wrong final state, or a broken log")
	@State
	public static class TwoSubmits extends TrackedPool {

		public TwoSubmits() {
			super(2, 0);
		}

		@Actor
		public void submit1() {
			submit();
		}

		@Actor
		public void submit2() {
			submit();
		}

		@Arbiter
		public void arbiter(III_Result result) {
			judge(0, this.before, this.sequenceBefore, result);
		}

	}

	/** Two tasks finish on a busy pool (4 tasks, 2 threads): exactly one transition to free. */
	@JCStressTest
	@Description("Two completes on a busy pool: it ends free, every transition linked once")
	@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "True state, one transition")
	@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "True state, after extra busy/free pairs")
	@Outcome(expect = Expect.FORBIDDEN, desc = "Wrong final state, or a broken log")
	@State
	public static class TwoCompletes extends TrackedPool {

		public TwoCompletes() {
			super(4, 0);
		}

		@Actor
		public void complete1() {
			complete();
		}

		@Actor
		public void complete2() {
			complete();
		}

		@Arbiter
		public void arbiter(III_Result result) {
			judge(0, this.before, this.sequenceBefore, result);
		}

	}

	/** A busy pool (3 tasks) where one finishes and one arrives: it ends busy. */
	@JCStressTest
	@Description("Complete and submit race on a busy pool: it ends busy, any free/busy pair is linked once")
	@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "True state, fewest transitions")
	@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "True state, after extra busy/free pairs")
	@Outcome(expect = Expect.FORBIDDEN, desc = "Wrong final state, or a broken log")
	@State
	public static class CompleteAgainstSubmit extends TrackedPool {

		public CompleteAgainstSubmit() {
			super(3, 0);
		}

		@Actor
		public void complete1() {
			complete();
		}

		@Actor
		public void submit2() {
			submit();
		}

		@Arbiter
		public void arbiter(III_Result result) {
			judge(0, this.before, this.sequenceBefore, result);
		}

	}

	/** With a tolerance of 1, a full pool plus one task is not busy; plus two is. */
	@JCStressTest
	@Description("Two submits with tolerance 1 on a full pool: it ends busy, every transition linked once")
	@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE, desc = "True state, one transition")
	@Outcome(id = "1, 1, 1", expect = Expect.ACCEPTABLE_INTERESTING, desc = "True state, after extra busy/free pairs")
	@Outcome(expect = Expect.FORBIDDEN, desc = "Wrong final state, or a broken log")
	@State
	public static class TwoSubmitsWithTolerance extends TrackedPool {

		public TwoSubmitsWithTolerance() {
			super(2, 1);
		}

		@Actor
		public void submit1() {
			submit();
		}

		@Actor
		public void submit2() {
			submit();
		}

		@Arbiter
		public void arbiter(III_Result result) {
			judge(1, this.before, this.sequenceBefore, result);
		}

	}

}

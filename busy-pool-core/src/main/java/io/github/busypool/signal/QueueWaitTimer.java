package io.github.busypool.signal;

/**
 * A task and the moment it was handed to a pool; when a thread runs it, the wait goes to a
 * {@link QueueWaitRecorder} first. One small object per task that has to wait, and only
 * while a recorder is set: pools wrap only the tasks that find no idle thread.
 */
public final class QueueWaitTimer implements Runnable {

	private final Runnable task;

	private final QueueWaitRecorder recorder;

	private final long submitted = System.nanoTime();

	/**
	 * Wraps a task that is about to wait.
	 * @param task the task
	 * @param recorder where its wait goes
	 */
	public QueueWaitTimer(Runnable task, QueueWaitRecorder recorder) {
		this.task = task;
		this.recorder = recorder;
	}

	@Override
	public void run() {
		this.recorder.record(System.nanoTime() - this.submitted);
		this.task.run();
	}

}

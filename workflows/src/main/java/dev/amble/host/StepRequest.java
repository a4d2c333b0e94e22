package dev.amble.host;

/**
 * Run one step of the walk that asks it, named by its place in the walk's own input ({@link
 * HostInput#stepsByReference()}): the activity reads the target, the job and its options from that
 * input ({@link WalkInputs}), so that each step's request in history is a few dozen bytes, whatever
 * the size of the job's tasks. What {@link JobRequest} carries in full, this names.
 *
 * @param job the job's name, for the Web UI and a check that the input's step is this one
 * @param index the step's place among the walk's jobs, or among its exit jobs
 * @param exit an exit job
 * @param claim take the host first (lock, started), as {@link JobRequest#claim()} with the walk's
 *     rollout and its stomp-locks choice
 * @param finish finish the host after the job's tasks went well, as {@link JobRequest#finish()}
 */
public record StepRequest(String job, int index, boolean exit, boolean claim, boolean finish) {
  public StepRequest {
    job = job == null ? "" : job;
  }
}

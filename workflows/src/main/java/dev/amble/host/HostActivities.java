package dev.amble.host;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * What a host workflow does to a host, each through one run of ansible-playbook. Each heartbeats
 * while Ansible runs; cancelling one ends its whole process tree. A failed task is a result, not an
 * exception: only faults on the worker's side (Ansible missing, a crash) are retried.
 */
@ActivityInterface
public interface HostActivities {
  /** Fresh facts into the cache, the remote state and lock read, preconditions evaluated. */
  @ActivityMethod
  Preparation prepareHost(PrepareRequest request);

  /**
   * One job, limited to the host; with a claim, the lock and "started" are taken first; with
   * finish, the host is finished after the job's tasks went well, in the same run.
   */
  @ActivityMethod
  RunResult runJob(JobRequest request);

  /**
   * One step of the walk that asks it, named by its place in the walk's input: the job request it
   * names ({@link WalkInputs}), run as {@link #runJob} runs it.
   */
  default RunResult runStep(StepRequest request) {
    return runJob(WalkInputs.jobRequest(request));
  }

  /** "succeeded" recorded, the lock released, the cached facts refreshed. */
  @ActivityMethod
  RunResult finishHost(FinishRequest request);
}

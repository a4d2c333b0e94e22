package dev.amble.rollout;

import dev.amble.host.WalkEnd;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A rolling run of one workspace, ID {@code amble/PROJECT/WORKSPACE} (the ID is the mutex of the
 * project's workspace). Plans, then walks hosts, up to its concurrency in flight at once; catches
 * itself when a host fails; steered by catch and release (signals, for the Web UI; updates, for the
 * CLI, which needs to know the catch took effect).
 */
@WorkflowInterface
public interface RolloutWorkflow {
  @WorkflowMethod
  RolloutStatus run(RolloutInput input);

  @SignalMethod(name = "catch")
  void catchSignal(CatchRequest request);

  @SignalMethod(name = "release")
  void releaseSignal(ReleaseRequest request);

  /** Catches the rollout; returns the status once the catch is in effect. */
  @UpdateMethod(name = "catchRollout")
  RolloutStatus catchRollout(CatchRequest request);

  /** Releases the rollout; returns the status once it is released. */
  @UpdateMethod(name = "releaseRollout")
  RolloutStatus releaseRollout(ReleaseRequest request);

  /** Refuses a release of a rollout that is not caught. */
  @UpdateValidatorMethod(updateName = "releaseRollout")
  void validateRelease(ReleaseRequest request);

  /** Refuses a catch of a rollout that is done. */
  @UpdateValidatorMethod(updateName = "catchRollout")
  void validateCatch(CatchRequest request);

  /**
   * Ends the rollout gracefully: no new host starts, hosts in flight finish their walk, it ends
   * {@code cancelled}. With {@code now}, only records who and why: Temporal's cancellation, which
   * the CLI requests next, stops the jobs in flight.
   */
  @SignalMethod(name = "cancel")
  void cancelSignal(CancelRequest request);

  /** {@link #cancelSignal}, returning the status once the cancel is in effect. */
  @UpdateMethod(name = "cancelRollout")
  RolloutStatus cancelRollout(CancelRequest request);

  /** Refuses to cancel a rollout that has ended. */
  @UpdateValidatorMethod(updateName = "cancelRollout")
  void validateCancel(CancelRequest request);

  /**
   * A host walk's end ({@link WalkEnd}), from the walk itself: it reaches whichever run the rollout
   * is in, so a walk may outlive the run that started it.
   */
  /**
   * Walks a failed host that waits for a release again now, the rollout staying caught for the
   * others ({@code amble retry}).
   */
  @UpdateMethod(name = "retryHost")
  RolloutStatus retryHost(HostSteering request);

  /** Refuses a host that does not wait for a release, or a rollout that is not caught. */
  @UpdateValidatorMethod(updateName = "retryHost")
  void validateRetry(HostSteering request);

  /** {@link #retryHost}, for the Web UI and the {@code temporal} CLI. */
  @SignalMethod(name = "retry")
  void retrySignal(HostSteering request);

  /**
   * Leaves a host the rollout has not walked yet out: it is counted skipped ({@code amble skip}).
   */
  @UpdateMethod(name = "skipHost")
  RolloutStatus skipHost(HostSteering request);

  /** Refuses a host in flight or waiting for a release, or a rollout that ended. */
  @UpdateValidatorMethod(updateName = "skipHost")
  void validateSkip(HostSteering request);

  /** {@link #skipHost}, for the Web UI and the {@code temporal} CLI. */
  @SignalMethod(name = "skip")
  void skipSignal(HostSteering request);

  @SignalMethod(name = WalkEnd.SIGNAL)
  void walkEnded(WalkEnd end);

  /**
   * Nothing but a workflow task: {@code amble versions --make-current} sends it so that a rollout
   * that waits (caught, outside its window, baking) learns that another build is current and
   * continues as new onto it now, not at its next event. A build without it buffers it unread.
   */
  @SignalMethod(name = WAKE)
  void wake();

  /** The name of {@link #wake()}. */
  String WAKE = "wake";

  @QueryMethod
  RolloutStatus status();
}

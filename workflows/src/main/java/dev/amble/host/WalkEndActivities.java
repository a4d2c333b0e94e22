package dev.amble.host;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * A host walk's end, told to its rollout ({@link WalkEnd}) by the worker, as a client's signal to
 * the rollout's workflow ID: it reaches whichever run the rollout is in, whichever run started the
 * walk.
 */
@ActivityInterface
public interface WalkEndActivities {
  /**
   * Signals {@code end} to the rollout {@code rolloutWorkflowId}; fails (to be retried) while the
   * rollout is between two runs; returns without a signal when the rollout has ended for good.
   */
  @ActivityMethod
  void reportEnd(String rolloutWorkflowId, WalkEnd end);
}

package dev.amble.host;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/**
 * Starts host walks for a rollout, as the worker's client: a local activity of the rollout, one
 * marker in its history for a batch of walks, where a child workflow took three events per host
 * (issue 30). The walks report their end by signal ({@link WalkEnd}), as walks that outlive their
 * run do. A local activity's work is done before the task that asked for it is recorded: a walk may
 * start, and end, in a task that is then lost, and the task that runs again must find it.
 */
@ActivityInterface
public interface WalkStartActivities {
  /**
   * Starts each walk; returns, in the same order, an empty string for each walk started (or started
   * already by the same request), or why it could not start (a walk of that ID runs already, from
   * another rollout). Fails, to be retried, when Temporal does not answer.
   */
  @ActivityMethod
  List<String> startWalks(List<WalkStart> walks);
}

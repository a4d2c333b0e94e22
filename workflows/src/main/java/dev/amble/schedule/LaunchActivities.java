package dev.amble.schedule;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What a schedule's launcher does outside workflow code: it talks to Temporal as a client. */
@ActivityInterface
public interface LaunchActivities {
  /**
   * Marks the rollout's content used (it stays kept while the schedule starts rollouts), then
   * starts the rollout under the workspace's ID with {@code seed}; a rollout of the workspace
   * already running is a skip, not a failure.
   */
  @ActivityMethod(name = "StartScheduledRollout")
  Launch start(ScheduledRollout rollout, long seed);
}

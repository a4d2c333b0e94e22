package dev.amble.schedule;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Picks the seed, then starts the rollout through {@link LaunchActivities}. */
public final class LauncherWorkflowImpl implements LauncherWorkflow {
  private final LaunchActivities activities =
      Workflow.newActivityStub(
          LaunchActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .setMaximumAttempts(10)
                      .build())
              .build());

  @Override
  public Launch launch(ScheduledRollout rollout) {
    long seed = rollout.freshSeed() ? Workflow.newRandom().nextLong() : rollout.request().seed();
    return activities.start(rollout, seed);
  }
}

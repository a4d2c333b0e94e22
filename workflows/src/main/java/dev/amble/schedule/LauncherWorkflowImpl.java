package dev.amble.schedule;

import dev.amble.failure.Retries;
import io.temporal.activity.ActivityOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Picks the seed, then starts the rollout through {@link LaunchActivities}. */
public final class LauncherWorkflowImpl implements LauncherWorkflow {
  private final LaunchActivities activities =
      Workflow.newActivityStub(
          LaunchActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(1))
              .setRetryOptions(Retries.backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 10))
              .build());

  @Override
  public Launch launch(ScheduledRollout rollout) {
    long seed = rollout.freshSeed() ? Workflow.newRandom().nextLong() : rollout.request().seed();
    return activities.start(rollout, seed);
  }
}

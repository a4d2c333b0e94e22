package dev.amble.schedule;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * What a schedule starts each time (ID {@link ScheduledRollout#launcherId}, Temporal appending the
 * time): a short workflow that starts the workspace's rollout under its own ID, so that the
 * workspace's mutex holds, and ends with what it did ({@link Launch}): started, or skipped because
 * a rollout of the workspace was running.
 */
@WorkflowInterface
public interface LauncherWorkflow {
  @WorkflowMethod
  Launch launch(ScheduledRollout rollout);
}

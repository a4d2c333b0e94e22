package dev.amble.logs;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/** Reads the piece on this worker's own task queue: the workflow's, so only this worker runs it. */
public class LogWorkflowImpl implements LogWorkflow {
  private final LogActivities activities =
      Workflow.newActivityStub(
          LogActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofSeconds(30))
              .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
              .build());

  @Override
  public LogPiece read(LogRequest request) {
    return activities.readLog(request);
  }
}

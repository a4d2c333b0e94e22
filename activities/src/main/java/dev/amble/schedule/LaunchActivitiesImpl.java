package dev.amble.schedule;

import dev.amble.content.ContentStore;
import dev.amble.rollout.RolloutInput;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutWorkflow;
import dev.amble.temporal.Executions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import java.time.Clock;

/**
 * Starts a scheduled rollout with the worker's client, as {@code amble run --detach} would (the
 * same ID, policies, summary and search attributes), and keeps its content alive.
 */
public final class LaunchActivitiesImpl implements LaunchActivities {
  private final WorkflowClient client;
  private final Clock clock;

  public LaunchActivitiesImpl(WorkflowClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public Launch start(ScheduledRollout rollout, long seed) {
    RolloutRequest given = rollout.request();
    // Each start is a use of the content: a schedule keeps its content as long as it starts
    // rollouts (a schedule paused for longer than ContentStore.KEEP needs `schedule update`).
    given
        .definition()
        .content()
        .ifPresent(ref -> new ContentStore(client, rollout.taskQueue()).keep(ref, clock.instant()));
    RolloutRequest request =
        new RolloutRequest(
            given.definition(),
            given.limit(),
            seed,
            given.concurrency(),
            given.dryRun(),
            given.stompLocks(),
            given.startedBy(),
            given.heartbeatTimeout(),
            given.eventsPerRun(),
            given.searchAttributes(),
            given.ignoreWindows());
    String id = RolloutRequest.workflowId(given.definition().project(), given.workspace());
    // A rollout started before projects, under amble/WORKSPACE, holds the workspace too.
    String old = RolloutRequest.oldWorkflowId(given.workspace());
    var oldRunning =
        Executions.describe(client, old)
            .map(d -> d.getWorkflowExecutionInfo())
            .filter(i -> i.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING)
            .filter(i -> i.getType().getName().equals("RolloutWorkflow"));
    if (oldRunning.isPresent()) {
      return Launch.skipped(old, oldRunning.get().getExecution().getRunId());
    }
    RolloutWorkflow wf =
        client.newWorkflowStub(RolloutWorkflow.class, request.startOptions(rollout.taskQueue()));
    try {
      WorkflowExecution started = WorkflowClient.start(wf::run, RolloutInput.start(request));
      return Launch.started(id, started.getRunId());
    } catch (WorkflowExecutionAlreadyStarted e) {
      return Launch.skipped(id, e.getExecution().getRunId());
    }
  }
}

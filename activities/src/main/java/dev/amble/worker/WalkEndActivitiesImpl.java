package dev.amble.worker;

import dev.amble.host.WalkEnd;
import dev.amble.host.WalkEndActivities;
import dev.amble.temporal.Executions;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;

/**
 * Tells a rollout that one of its host walks ended, with the worker's own client: a signal to the
 * rollout's workflow ID, which Temporal delivers to the run the rollout is in now.
 */
public final class WalkEndActivitiesImpl implements WalkEndActivities {
  @Override
  public void reportEnd(String rolloutWorkflowId, WalkEnd end) {
    WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
    try {
      client.newUntypedWorkflowStub(rolloutWorkflowId).signal(WalkEnd.SIGNAL, end);
    } catch (WorkflowNotFoundException closed) {
      if (running(client, rolloutWorkflowId)) {
        throw closed; // a run closed as the next began: retried, the next one takes it
      }
      // The rollout has ended (done, cancelled, terminated): nobody is waiting for this walk.
    }
  }

  /** Whether the workflow ID's latest run runs, or has just continued as new. */
  static boolean running(WorkflowClient client, String workflowId) {
    return Executions.describe(client, workflowId)
        .map(d -> d.getWorkflowExecutionInfo().getStatus())
        .filter(
            s ->
                s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
                    || s == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW)
        .isPresent();
  }
}

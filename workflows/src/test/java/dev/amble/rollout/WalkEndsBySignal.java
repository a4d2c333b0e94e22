package dev.amble.rollout;

import dev.amble.host.WalkEnd;
import dev.amble.host.WalkEndActivities;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;

/**
 * The workflow tests' reports of a walk's end: a signal with the test environment's client, as the
 * worker's activity sends it; a rollout that has closed for good (a test that cancelled it) is not
 * told, one between two runs is told again (the activity's retry).
 */
final class WalkEndsBySignal implements WalkEndActivities {
  @Override
  public void reportEnd(String rolloutWorkflowId, WalkEnd end) {
    WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
    try {
      client.newUntypedWorkflowStub(rolloutWorkflowId).signal(WalkEnd.SIGNAL, end);
    } catch (WorkflowNotFoundException closed) {
      WorkflowExecutionStatus now = WalksAcrossRunsTest.status(client, rolloutWorkflowId);
      if (now == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING
          || now == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW) {
        throw closed; // between two runs: told again
      }
    }
  }
}

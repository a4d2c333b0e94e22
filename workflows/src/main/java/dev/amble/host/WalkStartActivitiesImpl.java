package dev.amble.host;

import dev.amble.visibility.AmbleSearchAttributes;
import io.temporal.activity.Activity;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts host walks with the worker's own client (the one its activities get). It needs nothing but
 * that client, so it lives beside its interface, and the workflow tests run it as it is.
 */
public final class WalkStartActivitiesImpl implements WalkStartActivities {
  @Override
  public List<String> startWalks(List<WalkStart> walks) {
    WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
    List<String> refused = new ArrayList<>();
    for (WalkStart w : walks) {
      WorkflowOptions.Builder options =
          WorkflowOptions.newBuilder()
              .setWorkflowId(w.workflowId())
              .setTaskQueue(w.taskQueue())
              // The same request asked again is the same start, even of a walk that has ended.
              .setRequestId(w.requestId())
              // A host walked again (held, or failed and released) reuses its ID.
              .setWorkflowIdReusePolicy(
                  WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
      if (!w.summary().isEmpty()) {
        options.setStaticSummary(w.summary());
      }
      if (w.searchAttributes()) {
        options.setTypedSearchAttributes(
            AmbleSearchAttributes.host(w.workspace(), w.input().host()));
      }
      HostWorkflow walk = client.newWorkflowStub(HostWorkflow.class, options.build());
      try {
        WorkflowClient.start(walk::walk, w.input());
        refused.add("");
      } catch (WorkflowExecutionAlreadyStarted running) {
        refused.add(
            "another walk of this host runs: "
                + running.getExecution().getWorkflowId()
                + " run "
                + running.getExecution().getRunId());
      }
    }
    return refused;
  }
}

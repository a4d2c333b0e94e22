package dev.amble.host;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The walk of one host, ID {@code amble/WORKSPACE/HOST}: prepare, preconditions on fresh facts, the
 * jobs in order, the exit jobs (once any job began, also after a failure), finish.
 */
@WorkflowInterface
public interface HostWorkflow {
  @WorkflowMethod
  HostOutcome walk(HostInput input);

  @QueryMethod
  HostProgress progress();
}

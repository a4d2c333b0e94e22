package dev.amble.pages;

import dev.amble.temporal.Executions;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.util.Optional;

/**
 * Pages kept in Temporal: written by starting a {@link PageWorkflow} with the page as its input,
 * read back from the first event of its history (no worker needs to answer, and any machine that
 * reaches Temporal reads the same page), closed by a signal, removed by termination.
 */
public final class TemporalPages {
  private final WorkflowClient client;
  private final String taskQueue;

  /**
   * @param taskQueue where amble's workers poll (they run the page workflows)
   */
  public TemporalPages(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** Keeps a page under {@code id}; a page already there (a retried write) is left as it is. */
  public void write(String id, Page page) {
    PageWorkflow holder =
        client.newWorkflowStub(
            PageWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    try {
      WorkflowClient.start(holder::hold, page);
    } catch (WorkflowExecutionAlreadyStarted already) {
      // written by an earlier attempt of the same activity: the same page
    }
  }

  /** The page kept under {@code id}, or empty when there is none. */
  public Optional<Page> read(String id) {
    return Executions.input(client, id, Page.class);
  }

  /** Closes a page: its rollout ended. A page that is gone or closed already is fine. */
  public void close(String id) {
    try {
      client.newUntypedWorkflowStub(id).signal("close");
    } catch (WorkflowNotFoundException | io.temporal.client.WorkflowServiceException gone) {
      // nothing to close
    }
  }

  /** Removes a page that no rollout will read (a planning attempt that did not finish). */
  public boolean terminate(String id, String reason) {
    try {
      WorkflowStub stub = client.newUntypedWorkflowStub(id);
      stub.terminate(reason);
      return true;
    } catch (WorkflowNotFoundException gone) {
      return false;
    }
  }
}

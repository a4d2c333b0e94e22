package dev.amble.notify;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.time.Duration;

/** Hands notices to a workspace's notifier from outside workflow code: signal-with-start. */
public final class NotifierClient {
  private final WorkflowClient client;
  private final String taskQueue;
  private final Duration giveUpAfter;

  /**
   * @param taskQueue where amble's workers poll (they run the notifiers)
   * @param giveUpAfter how long a notifier it starts retries a delivery
   */
  public NotifierClient(WorkflowClient client, String taskQueue, Duration giveUpAfter) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.giveUpAfter = giveUpAfter;
  }

  /** Signals the notice to the workspace's notifier, starting it when none runs. */
  public void hand(Notice notice) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "NotifierWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId(
                    NotifierWorkflow.workflowId(
                        notice.event().project(), notice.event().workspace()))
                .setTaskQueue(taskQueue)
                .build());
    stub.signalWithStart(
        "notice", new Object[] {notice}, new Object[] {NotifierInput.start(giveUpAfter)});
  }
}

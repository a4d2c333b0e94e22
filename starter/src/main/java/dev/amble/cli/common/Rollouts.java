package dev.amble.cli.common;

import dev.amble.failure.Failures;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutSummary;
import dev.amble.rollout.RolloutWorkflow;
import dev.amble.temporal.Executions;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.TaskQueueType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.taskqueue.v1.TaskQueue;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Optional;

/** Finding a workspace's rollout in Temporal, by its workflow ID (no list/visibility needed). */
public final class Rollouts {
  private Rollouts() {}

  /** The latest rollout of a workspace, as Temporal describes it (the task queue it runs on). */
  public record Found(
      String workflowId,
      String runId,
      WorkflowExecutionStatus status,
      Instant started,
      String taskQueue) {
    public boolean running() {
      return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    }

    public String statusWord() {
      return Rollouts.statusWord(status);
    }
  }

  /** "running", "completed", "timed out", ... for a workflow run's status. */
  public static String statusWord(WorkflowExecutionStatus status) {
    String word =
        status
            .name()
            .replace("WORKFLOW_EXECUTION_STATUS_", "")
            .toLowerCase(java.util.Locale.ROOT)
            .replace('_', ' ');
    return word.equals("canceled") ? "cancelled" : word;
  }

  /** The workflow type of a rollout: what an ID must name to be taken for one. */
  static final String ROLLOUT_TYPE = RolloutWorkflow.class.getSimpleName();

  /**
   * The latest rollout of the project's workspace: under its ID {@code amble/PROJECT/WORKSPACE};
   * or, when none runs there but one runs under the ID of rollouts started before projects, {@code
   * amble/WORKSPACE}, that one (it holds the workspace until it ends); or, when nothing was ever
   * started under the new ID, the last one under the old. Only rollouts count: {@code
   * amble/PROJECT/WORKSPACE} may also name an old host walk (workspace PROJECT, host WORKSPACE).
   */
  public static Optional<Found> find(WorkflowClient client, String project, String workspace) {
    Optional<Found> current = rollout(client, RolloutRequest.workflowId(project, workspace));
    if (current.isPresent() && current.get().running()) {
      return current;
    }
    Optional<Found> old = rollout(client, RolloutRequest.oldWorkflowId(workspace));
    if (old.isPresent() && (old.get().running() || current.isEmpty())) {
      return old;
    }
    return current;
  }

  /** The rollout running under the old ID {@code amble/WORKSPACE}, if one does. */
  public static Optional<Found> runningUnderOldId(WorkflowClient client, String workspace) {
    return rollout(client, RolloutRequest.oldWorkflowId(workspace)).filter(Found::running);
  }

  /** The latest run of the workflow ID, when it is a rollout. */
  public static Optional<Found> rollout(WorkflowClient client, String id) {
    return Executions.describe(client, id)
        .map(DescribeWorkflowExecutionResponse::getWorkflowExecutionInfo)
        .filter(info -> info.getType().getName().equals(ROLLOUT_TYPE))
        .map(
            info ->
                new Found(
                    id,
                    info.getExecution().getRunId(),
                    info.getStatus(),
                    Instant.ofEpochSecond(
                        info.getStartTime().getSeconds(), info.getStartTime().getNanos()),
                    info.getTaskQueue()));
  }

  public static Found require(WorkflowClient client, String project, String workspace) {
    return find(client, project, workspace)
        .orElseThrow(
            () ->
                Exit.badInput(
                    "amble: workspace "
                        + workspace
                        + " has no rollout (`amble run -w "
                        + workspace
                        + "` starts one)"));
  }

  /** The workspace's rollout, which must be running (catch and release need it so). */
  public static Found requireRunning(WorkflowClient client, String project, String workspace) {
    Found found = require(client, project, workspace);
    if (!found.running()) {
      throw Exit.badInput(
          "amble: the last rollout of workspace "
              + workspace
              + " is not running ("
              + found.statusWord()
              + ")");
    }
    return found;
  }

  /**
   * The run ID the rollout started with (before any continue-as-new): the rollout's own name for
   * itself ({@link RolloutStatus#rollout}), which steering names so that it never acts on another
   * rollout of the workspace.
   */
  public static String firstRunId(WorkflowClient client, Found found) {
    return Executions.describe(client, found.workflowId())
        .map(d -> d.getWorkflowExecutionInfo().getFirstRunId())
        .filter(s -> !s.isEmpty())
        .orElse(found.runId());
  }

  /** The found rollout, to query, update and signal (its latest run). */
  public static RolloutWorkflow stub(WorkflowClient client, Found found) {
    return client.newWorkflowStub(RolloutWorkflow.class, found.workflowId());
  }

  /**
   * Says so on {@code err} when the rollout found is one under the old ID (steering it works as
   * ever; while it runs, it holds the workspace).
   */
  public static void sayIfOldId(Found found, String project, String workspace, PrintWriter err) {
    if (found.workflowId().equals(RolloutRequest.oldWorkflowId(workspace))) {
      err.printf(
          "amble: the rollout of workspace %s is %s, under the ID rollouts had before projects"
              + " (a new one starts as %s).%n",
          workspace, found.workflowId(), RolloutRequest.workflowId(project, workspace));
      err.flush();
    }
  }

  /**
   * The status: queried while it runs (answered by a worker), the final result once it completed.
   * With no worker to answer (none polls the rollout's task queue, or the query failed), {@link
   * NoWorker} carries the summary the rollout keeps in its memo, at once rather than after a
   * query's timeout.
   */
  public static RolloutStatus status(
      WorkflowClient client, String workspace, Found found, String address) {
    if (found.running()) {
      Optional<String> none = noWorker(client, found, address);
      if (none.isPresent()) {
        throw new NoWorker(summary(client, found), none.get());
      }
      try {
        return stub(client, found).status();
      } catch (io.temporal.client.WorkflowQueryException
          | io.temporal.client.WorkflowServiceException e) {
        throw new NoWorker(
            summary(client, found),
            "no worker answered (" + Failures.oneLine(e) + "): check that `amble worker` runs");
      }
    }
    if (found.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      return client
          .newUntypedWorkflowStub(found.workflowId(), Optional.of(found.runId()), Optional.empty())
          .getResult(RolloutStatus.class);
    }
    throw new Exit(
        ExitCode.ROLLOUT_FAILED,
        "amble: the last rollout of workspace "
            + workspace
            + " ended "
            + found.statusWord()
            + " ("
            + found.workflowId()
            + ", run "
            + found.runId()
            + ")");
  }

  /**
   * Why no worker can act on the running rollout now (none polls its task queue), for the operator;
   * empty when one does, or when the server cannot tell.
   */
  public static Optional<String> noWorker(WorkflowClient client, Found found, String address) {
    if (workerPolling(client, found.taskQueue())) {
      return Optional.empty();
    }
    return Optional.of(
        "no worker polls task queue "
            + found.taskQueue()
            + " at "
            + address
            + ": start `amble worker`");
  }

  /** The summary a rollout keeps in its memo (see RolloutSummary). */
  public static Optional<RolloutSummary> summary(WorkflowClient client, Found found) {
    return Executions.memo(
        client, found.workflowId(), RolloutSummary.MEMO_KEY, RolloutSummary.class);
  }

  /** No worker answered a query; what the rollout last recorded instead. */
  public static final class NoWorker extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public final transient Optional<RolloutSummary> summary;

    NoWorker(Optional<RolloutSummary> summary, String why) {
      super(why, null, false, false);
      this.summary = summary;
    }
  }

  public static WorkflowStub untyped(WorkflowClient client, Found found) {
    return untyped(client, found.workflowId(), found.runId());
  }

  public static WorkflowStub untyped(WorkflowClient client, String workflowId, String runId) {
    return client.newUntypedWorkflowStub(workflowId, Optional.of(runId), Optional.empty());
  }

  /** Whether any worker polls the task queue (the rollout waits for one otherwise). */
  public static boolean workerPolling(WorkflowClient client, String taskQueue) {
    try {
      return client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeTaskQueue(
                  DescribeTaskQueueRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setTaskQueue(TaskQueue.newBuilder().setName(taskQueue))
                      .setTaskQueueType(TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW)
                      .build())
              .getPollersCount()
          > 0;
    } catch (StatusRuntimeException e) {
      return true; // cannot tell (e.g. Temporal's test server): assume one does
    }
  }
}

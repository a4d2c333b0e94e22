package dev.amble.temporal;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.errordetails.v1.NamespaceNotFoundFailure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.StatusUtils;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the server keeps of a workflow execution, read without a worker: its description and events
 * of its history. The one place amble asks these two questions, for the CLI and for activities
 * alike; a workflow ID the server does not have (never started, or past retention) is an empty
 * answer, not an error (a namespace it does not have is one).
 */
public final class Executions {
  private Executions() {}

  /** The latest run of {@code workflowId}, as the server describes it. */
  public static Optional<DescribeWorkflowExecutionResponse> describe(
      WorkflowClient client, String workflowId) {
    return unlessNotFound(
        () ->
            client
                .getWorkflowServiceStubs()
                .blockingStub()
                .describeWorkflowExecution(
                    DescribeWorkflowExecutionRequest.newBuilder()
                        .setNamespace(client.getOptions().getNamespace())
                        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                        .build()));
  }

  /**
   * The value under {@code key} in the memo of the latest run of {@code workflowId}, decoded with
   * the client's data converter; empty when there is no such workflow or key.
   */
  public static <T> Optional<T> memo(
      WorkflowClient client, String workflowId, String key, Class<T> type) {
    return describe(client, workflowId)
        .flatMap(
            d ->
                Optional.ofNullable(d.getWorkflowExecutionInfo().getMemo().getFieldsMap().get(key)))
        .map(p -> client.getOptions().getDataConverter().fromPayload(p, type, type));
  }

  /**
   * The input of the latest run of workflow {@code workflowId}, read from the first event of its
   * history (no worker needs to answer); empty when there is no such workflow.
   */
  public static <T> Optional<T> input(WorkflowClient client, String workflowId, Class<T> type) {
    return input(client, workflowId, Optional.empty(), type);
  }

  /**
   * The input of run {@code runId} of workflow {@code workflowId} (the latest run when empty), as
   * {@link #input(WorkflowClient, String, Class)} reads it.
   */
  public static <T> Optional<T> input(
      WorkflowClient client, String workflowId, Optional<String> runId, Class<T> type) {
    List<HistoryEvent> first =
        events(
                client,
                workflowId,
                runId,
                HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT,
                1)
            .orElse(List.of());
    if (first.isEmpty()) {
      return Optional.empty();
    }
    Payloads input = first.get(0).getWorkflowExecutionStartedEventAttributes().getInput();
    return Optional.of(
        client.getOptions().getDataConverter().fromPayloads(0, Optional.of(input), type, type));
  }

  /**
   * One page of events of a run's history: the first {@code pageSize} of all its events, or its
   * close event ({@link HistoryEventFilterType#HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT}).
   *
   * @param runId the run, or the latest run when empty
   * @param pageSize at most this many events; 0 for the server's default page
   */
  public static Optional<List<HistoryEvent>> events(
      WorkflowClient client,
      String workflowId,
      Optional<String> runId,
      HistoryEventFilterType filter,
      int pageSize) {
    WorkflowExecution.Builder execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    runId.ifPresent(execution::setRunId);
    return unlessNotFound(
        () ->
            client
                .getWorkflowServiceStubs()
                .blockingStub()
                .getWorkflowExecutionHistory(
                    GetWorkflowExecutionHistoryRequest.newBuilder()
                        .setNamespace(client.getOptions().getNamespace())
                        .setExecution(execution)
                        .setMaximumPageSize(pageSize)
                        .setHistoryEventFilterType(filter)
                        .build())
                .getHistory()
                .getEventsList());
  }

  /** Every event of one run, page after page. */
  public static List<HistoryEvent> allEvents(
      WorkflowClient client, String workflowId, String runId) {
    return client.fetchHistory(workflowId, runId).getEvents();
  }

  private static <T> Optional<T> unlessNotFound(Supplier<T> call) {
    try {
      return Optional.of(call.get());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND
          && !StatusUtils.hasFailure(e, NamespaceNotFoundFailure.class)) {
        return Optional.empty();
      }
      throw e;
    }
  }
}

package dev.amble.cli.look;

import dev.amble.temporal.Executions;
import io.temporal.api.enums.v1.HistoryEventFilterType;
import io.temporal.api.failure.v1.Failure;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a closed workflow run closed, read from the last event of its history: {@code completed},
 * {@code failed} (with the failure's message), {@code terminated} (with the reason and who), {@code
 * cancelled}, {@code timed out}.
 */
record CloseEvent(String status, String message, Instant at) {

  /** The close of the run; empty while it runs (or when Temporal no longer has it). */
  static Optional<CloseEvent> read(WorkflowClient client, String workflowId, String runId) {
    List<HistoryEvent> events =
        Executions.events(
                client,
                workflowId,
                Optional.of(runId),
                HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
                0)
            .orElse(List.of());
    for (HistoryEvent e : events) {
      Optional<CloseEvent> close = of(e);
      if (close.isPresent()) {
        return close;
      }
    }
    return Optional.empty();
  }

  /** The close an event tells of, if it is a close event. */
  static Optional<CloseEvent> of(HistoryEvent e) {
    Instant at = Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
    if (e.hasWorkflowExecutionCompletedEventAttributes()) {
      return Optional.of(new CloseEvent("completed", "", at));
    }
    if (e.hasWorkflowExecutionFailedEventAttributes()) {
      return Optional.of(
          new CloseEvent(
              "failed", message(e.getWorkflowExecutionFailedEventAttributes().getFailure()), at));
    }
    if (e.hasWorkflowExecutionTerminatedEventAttributes()) {
      var t = e.getWorkflowExecutionTerminatedEventAttributes();
      String reason = t.getReason().isBlank() ? "no reason given" : t.getReason();
      return Optional.of(
          new CloseEvent(
              "terminated",
              reason + (t.getIdentity().isBlank() ? "" : " (by " + t.getIdentity() + ")"),
              at));
    }
    if (e.hasWorkflowExecutionCanceledEventAttributes()) {
      return Optional.of(new CloseEvent("cancelled", "Temporal's cancellation", at));
    }
    if (e.hasWorkflowExecutionTimedOutEventAttributes()) {
      return Optional.of(new CloseEvent("timed out", "it ran past its workflow timeout", at));
    }
    if (e.hasWorkflowExecutionContinuedAsNewEventAttributes()) {
      return Optional.of(new CloseEvent("continued as new", "", at));
    }
    return Optional.empty();
  }

  /** A failure's message with its causes', on one line. */
  static String message(Failure f) {
    StringBuilder out =
        new StringBuilder(
            f.getMessage().isBlank() ? f.getFailureInfoCase().name() : f.getMessage());
    Failure cause = f;
    for (int depth = 0; cause.hasCause() && depth < 5; depth++) {
      cause = cause.getCause();
      if (!cause.getMessage().isBlank()) {
        out.append(": ").append(cause.getMessage());
      }
    }
    return out.toString().replaceAll("\\s+", " ").strip();
  }

  /** "failed: the message", for people. */
  String describe() {
    return message.isEmpty() ? status : status + ": " + message;
  }
}

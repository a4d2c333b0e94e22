package dev.amble.worker;

import dev.amble.host.Preparation;
import dev.amble.host.RunResult;
import dev.amble.notify.NotifyEvent;
import dev.amble.rollout.RolloutRequest;
import dev.amble.temporal.LocalActivityMarker;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.converter.DataConverter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A caught host's failed step output: the last lines of the log of its walk's last failed step, as
 * the walk recorded them in its history (the same lines {@code amble status --host} shows), read
 * back through Temporal, so any worker reads them. At most {@link #LINES} lines.
 */
public final class FailedOutput implements java.util.function.Function<NotifyEvent, List<String>> {
  static final int LINES = 20;
  static final int LINE_CHARS = 300;

  private final WorkflowClient client;

  public FailedOutput(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public List<String> apply(NotifyEvent e) {
    List<HistoryEvent> events =
        client.fetchHistory(RolloutRequest.hostWorkflowId(e.workflowId(), e.host())).getEvents();
    DataConverter converter = client.getOptions().getDataConverter();
    Map<Long, String> types = new HashMap<>();
    List<String> tail = List.of();
    for (HistoryEvent h : events) {
      Optional<RunResult> r = Optional.empty();
      Optional<LocalActivityMarker> local = LocalActivityMarker.of(h);
      if (local.isPresent() && local.get().result().isPresent()) {
        // A host prepared in a local activity (prepare-locally): its result is in the marker.
        r = result(converter, local.get().type(), local.get().result().get());
      } else if (h.hasActivityTaskScheduledEventAttributes()) {
        types.put(
            h.getEventId(),
            h.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (h.hasActivityTaskCompletedEventAttributes()) {
        var done = h.getActivityTaskCompletedEventAttributes();
        r = result(converter, types.getOrDefault(done.getScheduledEventId(), ""), done.getResult());
      }
      if (r.isPresent() && !r.get().ok() && !r.get().tail().isEmpty()) {
        tail = r.get().tail();
      }
    }
    return tail.subList(Math.max(0, tail.size() - LINES), tail.size()).stream()
        .map(l -> l.length() > LINE_CHARS ? l.substring(0, LINE_CHARS - 3) + "..." : l)
        .toList();
  }

  private static Optional<RunResult> result(DataConverter c, String type, Payloads p) {
    return switch (type) {
      case "PrepareHost", "prepareHost" ->
          Optional.of(
              c.fromPayloads(0, Optional.of(p), Preparation.class, Preparation.class).run());
      case "RunJob", "runJob", "RunStep", "runStep", "FinishHost", "finishHost" ->
          Optional.of(c.fromPayloads(0, Optional.of(p), RunResult.class, RunResult.class));
      default -> Optional.empty();
    };
  }
}

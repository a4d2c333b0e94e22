package dev.amble.temporal;

import io.temporal.api.common.v1.Payloads;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.history.v1.MarkerRecordedEventAttributes;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Instant;
import java.util.Optional;

/**
 * A local activity as a workflow's history records it: one marker, written by the worker that ran
 * the workflow task (and the activity in it), with the activity's type, its result (or its failure)
 * and when it ended. A host walk prepares its host this way (HostWorkflowImpl's {@code
 * prepare-locally}): {@code amble status --host} and the notifier's failed output read it as they
 * read an activity's events. The marker's own fields are written by Temporal's SDK with its
 * standard converter, never encrypted; the result is a payload of amble's converter.
 *
 * @param type the activity's type (prepareHost)
 * @param result the activity's result; empty when it failed
 * @param failure the failure's message; empty when it completed
 * @param ended when the worker recorded it
 */
public record LocalActivityMarker(
    String type, Optional<Payloads> result, Optional<String> failure, Instant ended) {
  static final String MARKER_NAME = "LocalActivity";

  /** The local activity {@code e} records; empty for any other event. */
  public static Optional<LocalActivityMarker> of(HistoryEvent e) {
    if (!e.hasMarkerRecordedEventAttributes()) {
      return Optional.empty();
    }
    MarkerRecordedEventAttributes m = e.getMarkerRecordedEventAttributes();
    if (!m.getMarkerName().equals(MARKER_NAME) || !m.containsDetails("type")) {
      return Optional.empty();
    }
    String type =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayloads(
            0, Optional.of(m.getDetailsOrThrow("type")), String.class, String.class);
    Instant ended =
        Instant.ofEpochSecond(e.getEventTime().getSeconds(), e.getEventTime().getNanos());
    return Optional.of(
        new LocalActivityMarker(
            type == null ? "" : type,
            Optional.ofNullable(m.getDetailsMap().get("result")),
            m.hasFailure()
                ? Optional.of(
                    m.getFailure().hasCause()
                        ? m.getFailure().getCause().getMessage()
                        : m.getFailure().getMessage())
                : Optional.empty(),
            ended));
  }
}

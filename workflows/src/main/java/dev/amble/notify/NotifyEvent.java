package dev.amble.notify;

import java.util.List;
import java.util.Map;

/**
 * One thing that happened to a rollout, as its notifications tell it. Small whatever the fleet's
 * size: one host at most, counts, a few commands.
 *
 * @param id stable for this event (the rollout run's workflow ID and run ID, and the event's place
 *     in that run): a receiver that saw it already drops it
 * @param kind the event as the Amblefile names it ({@code caught}, ...), or {@code test}
 * @param rollout the rollout's first run ID, the same across its continue-as-new
 * @param run the run that saw the event
 * @param at when, ISO-8601 in UTC
 * @param what one line: what happened
 * @param host the host it concerns, or empty
 * @param step the step that failed there, or empty
 * @param task the task that failed in it, or empty
 * @param act the {@code amble} commands that act on it, run in the Amblefile's folder
 * @param counts hosts by outcome, for {@code done}, {@code cancelled}, {@code aborted}; else empty
 */
public record NotifyEvent(
    String id,
    String kind,
    String project,
    String workspace,
    String workflowId,
    String rollout,
    String run,
    String at,
    String what,
    String host,
    String step,
    String task,
    List<String> act,
    Map<String, Integer> counts) {
  public NotifyEvent {
    act = act == null ? List.of() : List.copyOf(act);
    counts = counts == null ? Map.of() : Map.copyOf(counts);
  }
}

package dev.amble.rollout;

import java.util.List;
import java.util.Map;

/**
 * A rollout now: what {@code amble status} prints and the Web UI shows.
 *
 * @param phase {@code planning}, {@code walking}, {@code baking} (a wave bakes before its
 *     post-checks), {@code pausing} (between waves), {@code caught}, {@code draining} (caught or
 *     aborting, with hosts still in flight), {@code done}, or {@code aborted}
 * @param inProgress hosts being walked now
 */
public record RolloutStatus(
    String workspace,
    String workflow,
    String rollout,
    boolean check,
    String startedBy,
    String phase,
    int total,
    Map<String, Integer> counts,
    int remaining,
    List<String> inProgress,
    Map<String, HostResult> results,
    List<String> awaiting,
    RolloutState.Caught caught,
    List<Steering> steering,
    int runs,
    Progress progress) {

  /** A status serialized before strategies existed has no progress. */
  public RolloutStatus {
    progress = progress == null ? Progress.NONE : progress;
  }

  /** The rollout ended: done, or aborted by a gate. */
  public boolean done() {
    return phase.equals("done") || phase.equals("aborted");
  }

  public int count(dev.amble.host.Outcome outcome) {
    return counts.getOrDefault(outcome.word(), 0);
  }
}

package dev.amble.rollout;

import java.util.List;
import java.util.Map;

/**
 * A rollout now: what {@code amble status} prints and the Web UI shows.
 *
 * @param phase {@code planning}, {@code walking}, {@code caught}, {@code draining} (caught, with
 *     hosts still in flight), or {@code done}
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
    int runs) {

  public boolean done() {
    return phase.equals("done");
  }

  public int count(dev.amble.host.Outcome outcome) {
    return counts.getOrDefault(outcome.word(), 0);
  }
}

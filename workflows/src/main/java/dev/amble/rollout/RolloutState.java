package dev.amble.rollout;

import java.util.List;
import java.util.Map;

/**
 * What a rollout carries from one run to the next when it continues as new: only what it must.
 *
 * @param queue hosts still to walk, in order (failed hosts to retry first)
 * @param results every host that is done, in the order they finished
 * @param awaiting failed hosts waiting for the operator's release (retry, or skip)
 * @param runs how many runs of the workflow came before this one
 */
public record RolloutState(
    String rollout,
    int total,
    List<String> queue,
    Map<String, HostResult> results,
    List<String> awaiting,
    Caught caught,
    List<Steering> steering,
    int runs) {

  /** Whether the rollout is caught, since when, by whom and why. */
  public record Caught(boolean caught, String reason, String by, String since) {
    public static final Caught NO = new Caught(false, "", "", "");
  }
}

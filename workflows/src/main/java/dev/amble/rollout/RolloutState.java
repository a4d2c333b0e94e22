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
 * @param walkTotal how many hosts the plan walks (the base of percentages)
 * @param wave the current wave
 * @param waveQueue hosts of the current wave not started yet
 * @param waveHosts every host of the current wave (for its failure budget)
 * @param aborted a gate aborted the rollout
 * @param gates the latest gate results
 * @param stage {@code walking} (in the middle of a wave) or {@code next} (between waves)
 */
public record RolloutState(
    String rollout,
    int total,
    List<String> queue,
    Map<String, HostResult> results,
    List<String> awaiting,
    Caught caught,
    List<Steering> steering,
    int runs,
    int walkTotal,
    int wave,
    List<String> waveQueue,
    List<String> waveHosts,
    boolean aborted,
    List<GateResult> gates,
    String stage) {

  /** Fields missing from a state carried by an older amble take their defaults. */
  public RolloutState {
    waveQueue = waveQueue == null ? List.of() : waveQueue;
    waveHosts = waveHosts == null ? List.of() : waveHosts;
    gates = gates == null ? List.of() : gates;
    stage = stage == null ? "walking" : stage;
  }

  /** Whether the rollout is caught, since when, by whom and why. */
  public record Caught(boolean caught, String reason, String by, String since) {
    public static final Caught NO = new Caught(false, "", "", "");
  }
}

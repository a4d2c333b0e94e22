package dev.amble.rollout;

import java.util.Optional;

/**
 * A rollout's input: the request, and after a continue-as-new, the state carried over.
 *
 * @param carried the state carried by amble's first engine ({@link LegacyRollout}), which the
 *     current engine takes over
 * @param state the state carried by the current engine
 */
public record RolloutInput(
    RolloutRequest request, Optional<RolloutStateV1> carried, Optional<RolloutState> state) {
  public RolloutInput {
    carried = carried == null ? Optional.empty() : carried;
    state = state == null ? Optional.empty() : state;
  }

  /** A new rollout. */
  public static RolloutInput start(RolloutRequest request) {
    return new RolloutInput(request, Optional.empty(), Optional.empty());
  }
}

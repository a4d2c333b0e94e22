package dev.amble.rollout;

import java.util.Optional;

/** A rollout's input: the request, and after a continue-as-new, the state carried over. */
public record RolloutInput(RolloutRequest request, Optional<RolloutState> carried) {}

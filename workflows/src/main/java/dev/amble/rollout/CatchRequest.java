package dev.amble.rollout;

/**
 * Pause the rollout before its next host.
 *
 * @param rollout the rollout it catches (its first run ID, {@link RolloutStatus#rollout}), or empty
 *     for whichever runs: a catch named for another rollout of the workspace is refused
 */
public record CatchRequest(String reason, String by, String rollout) {}

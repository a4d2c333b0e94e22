package dev.amble.rollout;

/**
 * End a rollout. Graceful: no new host starts, hosts in flight finish their walk (exit jobs
 * included), then the rollout ends {@code cancelled}. With {@code now}, recorded just before
 * Temporal's own cancellation: the jobs in flight are stopped, then their exit jobs run.
 *
 * @param rollout the rollout it ends (its first run ID, {@link RolloutStatus#rollout}), or empty
 *     for whichever runs: a cancel named for another rollout of the workspace is refused
 */
public record CancelRequest(String reason, String by, boolean now, String rollout) {}

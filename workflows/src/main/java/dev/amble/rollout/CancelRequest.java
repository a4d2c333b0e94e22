package dev.amble.rollout;

/**
 * End a rollout. Graceful: no new host starts, hosts in flight finish their walk (exit jobs
 * included), then the rollout ends {@code cancelled}. With {@code now}, recorded just before
 * Temporal's own cancellation: the jobs in flight are stopped, then their exit jobs run.
 */
public record CancelRequest(String reason, String by, boolean now) {}

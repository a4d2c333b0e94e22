package dev.amble.rollout;

/** Pause the rollout before its next host. */
public record CatchRequest(String reason, String by) {}

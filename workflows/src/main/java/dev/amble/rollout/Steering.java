package dev.amble.rollout;

/** One act of steering: what it did, who did it, why, and when (workflow time). */
public record Steering(SteeringKind kind, String by, String reason, String at) {}

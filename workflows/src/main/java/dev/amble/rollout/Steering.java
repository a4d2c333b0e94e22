package dev.amble.rollout;

/**
 * One act of steering: a catch or a release, who did it, why, and when (workflow time).
 *
 * @param kind {@code catch}, {@code release}, {@code release --skip-failed}, or {@code auto-catch}
 */
public record Steering(String kind, String by, String reason, String at) {}

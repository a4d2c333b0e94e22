package dev.amble.rollout;

/** Whether the rollout is caught, since when, by whom and why. */
public record Caught(boolean caught, String reason, String by, String since) {
  public static final Caught NO = new Caught(false, "", "", "");
}

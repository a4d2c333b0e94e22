package dev.amble.rollout;

/**
 * Whether the rollout is caught, since when, by whom and why.
 *
 * @param number which catch of the rollout this is (1, 2, ...; 0 when not caught, and in a status
 *     recorded before catches were numbered): a release names it, so a release meant for an earlier
 *     catch, or one replayed from history, ends nothing
 */
public record Caught(boolean caught, String reason, String by, String since, int number) {
  public static final Caught NO = new Caught(false, "", "", "", 0);
}

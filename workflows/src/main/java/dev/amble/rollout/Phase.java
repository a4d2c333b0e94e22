package dev.amble.rollout;

import java.util.Locale;

/**
 * Where a rollout is, in the word {@code amble status}, the memo, the AmbleOutcome search attribute
 * and the Web UI show.
 */
public enum Phase {
  /** Resolving hosts and deciding the walk order. */
  PLANNING,
  /** Walking hosts (also between waves while nothing else waits). */
  WALKING,
  /** A finished wave bakes before its post-checks. */
  BAKING,
  /** The pause between two waves. */
  PAUSING,
  /** Outside the workspace's maintenance windows, nothing in flight: waits for the next one. */
  WAITING,
  /** Caught: no new host starts until a release; nothing in flight. */
  CAUGHT,
  /** Caught, aborting or cancelling, with hosts still in flight finishing their walk. */
  DRAINING,
  /** Every host was dealt with. */
  DONE,
  /** A health check with {@code on_failure: abort} ended it. */
  ABORTED,
  /** {@code amble cancel} (or Temporal's cancellation) ended it. */
  CANCELLED;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The phase for a word; a word this amble does not know (a newer one's) reads as walking. */
  public static Phase of(String word) {
    for (Phase p : values()) {
      if (p.word().equals(word)) {
        return p;
      }
    }
    return WALKING;
  }

  public boolean ended() {
    return this == DONE || this == ABORTED || this == CANCELLED;
  }
}

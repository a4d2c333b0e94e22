package dev.amble.host;

import java.util.Locale;

/** How the walk of one host ended. */
public enum Outcome {
  /** Every job, exit job and finish succeeded. */
  SUCCEEDED,
  /** Check mode: every job ran with --check and reported no failure. */
  CHECKED,
  /** A job's precondition was false on the host's fresh facts: nothing was done to it. */
  SKIPPED,
  /** A job, an exit job or finish failed. */
  FAILED,
  /** Ansible could not reach the host. */
  UNREACHABLE,
  /** Another workspace holds the host's lock. */
  LOCKED,
  /** A failing pre-check held the host back: nothing was done to it, it waits to be walked. */
  HELD,
  /** The walk was cancelled with the rollout ({@code amble cancel --now}): its exit jobs ran. */
  CANCELLED;

  /** The word people read, and pages and status hold. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The outcome a word names ({@link #word}); an unknown word is a bug. */
  public static Outcome of(String word) {
    for (Outcome o : values()) {
      if (o.word().equals(word)) {
        return o;
      }
    }
    throw new IllegalArgumentException("no outcome is called '" + word + "'");
  }

  /** Whether the rollout lists it with its reason: a failure, or a walk cut short. */
  public boolean isListed() {
    return isFailure() || this == CANCELLED;
  }

  /** Whether the rollout counts it against the walk: failed, unreachable or locked. */
  public boolean isFailure() {
    return this == FAILED || this == UNREACHABLE || this == LOCKED;
  }
}

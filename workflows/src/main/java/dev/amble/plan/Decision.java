package dev.amble.plan;

import java.util.Locale;

/** What a rollout would do with a host. */
public enum Decision {
  /** Every job's preconditions hold: the host would be walked. */
  WALK,
  /** A job's precondition is false: the host would be left alone. */
  SKIP,
  /** The host started this workflow earlier and never finished: walked again, whatever. */
  RETRY,
  /** No cached facts: the host would be walked, and its live facts decide. */
  UNKNOWN;

  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a rollout starts a host workflow for it. */
  public boolean walks() {
    return this != SKIP;
  }
}

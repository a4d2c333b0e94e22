package dev.amble.host;

/**
 * A host walk's report of its end to its rollout, sent by signal to the rollout's workflow ID (not
 * to a run), so that it reaches whichever run the rollout is in: a host walk may outlive the run
 * that started it. A contract between amble releases: small (one host's outcome), and versioned.
 *
 * @param version the report's shape ({@link #VERSION}); a receiver reads the fields it knows
 * @param rollout the rollout's ID (its first run ID): a report meant for an earlier rollout of the
 *     same workflow ID is dropped
 * @param outcome how the walk ended, as the walk's result says it
 */
public record WalkEnd(int version, String rollout, HostOutcome outcome) {
  /** The signal's name on the rollout workflow. */
  public static final String SIGNAL = "walkEnded";

  /** The shape this release sends. */
  public static final int VERSION = 1;

  public WalkEnd {
    rollout = rollout == null ? "" : rollout;
  }

  /** How a walk that was cancelled ends (its exit jobs ran). */
  public static HostOutcome cancelled(String host) {
    return new HostOutcome(host, Outcome.CANCELLED, "walk cancelled: its exit jobs ran", "");
  }

  /** How a host ends whose walk was cancelled before it started (nothing ran on it). */
  public static HostOutcome cancelledBeforeStart(String host) {
    return new HostOutcome(host, Outcome.CANCELLED, "cancelled before its walk started", "");
  }

  /** How a walk whose workflow failed ends. */
  public static HostOutcome workflowFailed(String host, String why) {
    return new HostOutcome(host, Outcome.FAILED, "host workflow failed: " + why, "");
  }
}

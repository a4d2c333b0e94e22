package dev.amble.rollout;

/**
 * Resume a caught rollout.
 *
 * @param skipFailed leave the failed hosts failed and move on; otherwise they are walked again
 *     first
 * @param rollout the rollout it releases: its first run ID ({@link RolloutStatus#rollout})
 * @param caught the catch it ends ({@link Caught#number}): a release for another catch, or for
 *     another rollout of the workspace, is refused
 */
public record ReleaseRequest(boolean skipFailed, String by, String rollout, int caught) {
  /** The release of the catch {@code status} shows, in the rollout it describes. */
  public static ReleaseRequest of(RolloutStatus status, boolean skipFailed, String by) {
    return new ReleaseRequest(skipFailed, by, status.rollout(), status.caught().number());
  }
}

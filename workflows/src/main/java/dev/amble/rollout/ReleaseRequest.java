package dev.amble.rollout;

/**
 * Resume a caught rollout.
 *
 * @param skipFailed leave the failed hosts failed and move on; otherwise they are walked again
 *     first
 * @param rollout the rollout it releases: its first run ID ({@link RolloutStatus#rollout})
 * @param caught the catch it ends ({@link Caught#number}): a release for another catch, or for
 *     another rollout of the workspace, is refused
 * @param except failed hosts waiting for the release that stay failed, the others walked again
 *     ({@code amble release --except}); each must be waiting
 */
public record ReleaseRequest(
    boolean skipFailed, String by, String rollout, int caught, java.util.List<String> except) {
  public ReleaseRequest {
    except = except == null ? java.util.List.of() : java.util.List.copyOf(except);
  }

  /** A release of every waiting host (or none, with {@code skipFailed}). */
  public ReleaseRequest(boolean skipFailed, String by, String rollout, int caught) {
    this(skipFailed, by, rollout, caught, java.util.List.of());
  }

  /** The release of the catch {@code status} shows, in the rollout it describes. */
  public static ReleaseRequest of(RolloutStatus status, boolean skipFailed, String by) {
    return new ReleaseRequest(skipFailed, by, status.rollout(), status.caught().number());
  }

  /** The same release, leaving {@code hosts} failed. */
  public ReleaseRequest except(java.util.List<String> hosts) {
    return new ReleaseRequest(skipFailed, by, rollout, caught, hosts);
  }
}

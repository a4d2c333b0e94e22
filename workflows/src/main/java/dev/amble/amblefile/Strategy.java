package dev.amble.amblefile;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a rollout goes through a workspace's hosts: in waves (a canary, then growing waves), with a
 * failure budget, a policy for unreachable hosts, and health checks. The default is Boardwalk's:
 * one wave of every host, and the first failure catches the rollout.
 *
 * @param waves wave sizes in order, the last one repeating; empty means one wave of every host
 * @param pauseBetweenWaves how long to wait before each next wave; with {@code manualPause} the
 *     rollout is caught instead, until released
 * @param bakeTime how long a finished wave bakes before its post-checks and the next wave
 * @param maxFailures failed hosts the rollout tolerates; one more catches it
 * @param maxFailuresPerWave the same, within one wave
 * @param failureDomain at most so many hosts in flight per value of an inventory var
 * @param tiers the hosts walked tier by tier, in an order of an inventory var's values
 */
public record Strategy(
    List<Amount> waves,
    Optional<Duration> pauseBetweenWaves,
    boolean manualPause,
    Duration bakeTime,
    Amount maxFailures,
    Optional<Amount> maxFailuresPerWave,
    Unreachable unreachable,
    Checks preChecks,
    Checks postChecks,
    Optional<ContinuousChecks> continuousChecks,
    Optional<FailureDomain> failureDomain,
    Optional<Tiers> tiers) {

  public static final Strategy DEFAULT =
      new Strategy(
          List.of(),
          Optional.empty(),
          false,
          Duration.ZERO,
          Amount.count(0),
          Optional.empty(),
          Unreachable.FAIL,
          Checks.NONE,
          Checks.NONE,
          Optional.empty(),
          Optional.empty(),
          Optional.empty());

  /**
   * What a host walk reads of the strategy (unreachable hosts, the host checks); the rest is the
   * default: see {@link Definition#forWalk()}.
   */
  Strategy forWalk() {
    return new Strategy(
        DEFAULT.waves,
        DEFAULT.pauseBetweenWaves,
        DEFAULT.manualPause,
        DEFAULT.bakeTime,
        DEFAULT.maxFailures,
        DEFAULT.maxFailuresPerWave,
        unreachable,
        new Checks(preChecks.host(), DEFAULT.preChecks.wave()),
        new Checks(postChecks.host(), DEFAULT.postChecks.wave()),
        DEFAULT.continuousChecks,
        DEFAULT.failureDomain,
        DEFAULT.tiers);
  }

  /** Health checks for each host (around its walk) and for each wave (around the wave). */
  public record Checks(List<HealthCheck> host, List<HealthCheck> wave) {
    public static final Checks NONE = new Checks(List.of(), List.of());
  }

  /** Health checks run every {@code interval} while the rollout runs. */
  public record ContinuousChecks(Duration interval, List<HealthCheck> checks) {}

  /**
   * What an unreachable host counts as.
   *
   * @param attempts for {@code RETRY}: how many more times the host is tried
   * @param backoff for {@code RETRY}: the wait before the first retry, doubled after each
   */
  public record Unreachable(Policy policy, int attempts, Duration backoff) {
    public static final Unreachable FAIL = new Unreachable(Policy.FAIL, 0, Duration.ZERO);

    public enum Policy {
      /** A failure, as any other: counted against the budget. */
      FAIL,
      /** Recorded as unreachable, not counted against the budget. */
      SKIP,
      /** Tried again after a backoff, up to the attempts; then a failure. */
      RETRY;

      public String word() {
        return name().toLowerCase(Locale.ROOT);
      }
    }
  }

  /** Fields missing from a serialized strategy (written by an older amble) take their defaults. */
  public Strategy {
    waves = waves == null ? List.of() : waves;
    pauseBetweenWaves = pauseBetweenWaves == null ? Optional.empty() : pauseBetweenWaves;
    bakeTime = bakeTime == null ? Duration.ZERO : bakeTime;
    maxFailures = maxFailures == null ? Amount.count(0) : maxFailures;
    maxFailuresPerWave = maxFailuresPerWave == null ? Optional.empty() : maxFailuresPerWave;
    unreachable = unreachable == null ? Unreachable.FAIL : unreachable;
    preChecks = preChecks == null ? Checks.NONE : preChecks;
    postChecks = postChecks == null ? Checks.NONE : postChecks;
    continuousChecks = continuousChecks == null ? Optional.empty() : continuousChecks;
    failureDomain = failureDomain == null ? Optional.empty() : failureDomain;
    tiers = tiers == null ? Optional.empty() : tiers;
  }

  /** The same strategy without the parts that a run's overrides may not change. */
  Strategy withPlacement(Optional<FailureDomain> domain, Optional<Tiers> order) {
    return new Strategy(
        waves,
        pauseBetweenWaves,
        manualPause,
        bakeTime,
        maxFailures,
        maxFailuresPerWave,
        unreachable,
        preChecks,
        postChecks,
        continuousChecks,
        domain,
        order);
  }
}

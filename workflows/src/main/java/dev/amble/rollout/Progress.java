package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.amble.health.HealthCheckResult;
import java.util.List;

/**
 * Where a rollout stands in its strategy: the wave, the failure budget, the latest health check
 * results.
 *
 * @param wave the current wave (0 before the first)
 * @param waves how many waves the plan makes (waves that retried hosts join are not counted)
 * @param waveSizes the planned size of each wave
 * @param failures failed hosts that count against the budget
 * @param maxFailures the budget: one failure more catches the rollout
 * @param waveFailures failed hosts of the current wave
 * @param maxWaveFailures the per-wave budget, or -1 when there is none
 * @param health checks the latest health check results, newest last
 * @param tier with tiers: the current tier, from 1 (0 before the first wave, or without tiers)
 * @param tiers with tiers: how many the plan has (0 without)
 * @param tierName the current tier's name (empty without tiers)
 * @param inFlightByDomain with a failure domain: the hosts in flight of each domain that has any
 */
public record Progress(
    int wave,
    int waves,
    List<Integer> waveSizes,
    int failures,
    int maxFailures,
    int waveFailures,
    int maxWaveFailures,
    @JsonAlias("gates") List<HealthCheckResult> healthChecks,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int tier,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int tiers,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) String tierName,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.Map<String, Integer> inFlightByDomain) {

  public static final Progress NONE = new Progress(0, 0, List.of(), 0, 0, 0, -1, List.of());

  public Progress {
    tierName = tierName == null ? "" : tierName;
    inFlightByDomain =
        inFlightByDomain == null ? java.util.Map.of() : new java.util.TreeMap<>(inFlightByDomain);
  }

  /** Progress of a walk without tiers or failure domains. */
  public Progress(
      int wave,
      int waves,
      List<Integer> waveSizes,
      int failures,
      int maxFailures,
      int waveFailures,
      int maxWaveFailures,
      List<HealthCheckResult> healthChecks) {
    this(
        wave,
        waves,
        waveSizes,
        failures,
        maxFailures,
        waveFailures,
        maxWaveFailures,
        healthChecks,
        0,
        0,
        "",
        java.util.Map.of());
  }
}

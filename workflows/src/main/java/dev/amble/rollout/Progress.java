package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAlias;
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
 */
public record Progress(
    int wave,
    int waves,
    List<Integer> waveSizes,
    int failures,
    int maxFailures,
    int waveFailures,
    int maxWaveFailures,
    @JsonAlias("gates") List<HealthCheckResult> healthChecks) {

  public static final Progress NONE = new Progress(0, 0, List.of(), 0, 0, 0, -1, List.of());
}

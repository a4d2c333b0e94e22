package dev.amble.rollout;

import dev.amble.amblefile.Strategy;
import dev.amble.host.Outcome;

/**
 * The failure budget: which outcomes count against it, and whether the count is over it, for the
 * whole rollout ({@code max_failures}, of the hosts to walk) and for one wave ({@code
 * max_failures_per_wave}, of the wave's hosts).
 */
record FailureBudget(Strategy strategy, int walkTotal) {
  /** Whether an outcome counts: a failure, unless it is an unreachable host under {@code skip}. */
  boolean counts(Outcome outcome) {
    return outcome.isFailure()
        && !(outcome == Outcome.UNREACHABLE
            && strategy.unreachable().policy() == Strategy.Unreachable.Policy.SKIP);
  }

  int max() {
    return strategy.maxFailures().budget(walkTotal);
  }

  /** The per-wave budget for a wave of {@code waveSize} hosts, or -1 when there is none. */
  int maxPerWave(int waveSize) {
    return strategy.maxFailuresPerWave().map(a -> a.budget(waveSize)).orElse(-1);
  }

  boolean over(int failures, int waveFailures, int waveSize) {
    int perWave = maxPerWave(waveSize);
    return failures > max() || (perWave >= 0 && waveFailures > perWave);
  }

  /** Why a failure is over budget, for the catch's reason; empty with the default budget of 0. */
  String note(int failures, int wave, int waveFailures, int waveSize) {
    if (max() == 0 && maxPerWave(waveSize) < 0) {
      return "";
    }
    if (failures > max()) {
      return " (over the failure budget: "
          + failures
          + " failed, max_failures "
          + strategy.maxFailures()
          + ")";
    }
    return " (over wave "
        + wave
        + "'s failure budget: "
        + waveFailures
        + " failed, max_failures_per_wave "
        + strategy.maxFailuresPerWave().get()
        + ")";
  }
}

package dev.amble.visibility;

import dev.amble.amblefile.Amount;
import dev.amble.amblefile.DurationText;
import dev.amble.amblefile.HealthCheck;
import dev.amble.amblefile.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A rollout strategy in a few lines of words, for plan, status, show and the Web UI. */
public final class Strategies {
  private Strategies() {}

  public static List<String> describe(Strategy s) {
    List<String> lines = new ArrayList<>();
    if (s.waves().isEmpty()) {
      lines.add("waves: one wave of every host");
    } else {
      String pause =
          s.manualPause()
              ? ", caught after each wave until released"
              : s.pauseBetweenWaves()
                  .map(p -> ", " + DurationText.format(p) + " between waves")
                  .orElse("");
      lines.add(
          "waves: "
              + s.waves().stream().map(Amount::toString).collect(Collectors.joining(", "))
              + " (the last size repeats)"
              + pause
              + (s.bakeTime().isZero()
                  ? ""
                  : ", each baking " + DurationText.format(s.bakeTime())));
    }
    s.tiers()
        .ifPresent(
            t ->
                lines.add(
                    "tiers by "
                        + t.var()
                        + ": "
                        + String.join(", then ", t.order())
                        + ", then the rest; each tier starts once the one before is done, its"
                        + " waves starting again"));
    s.failureDomain()
        .ifPresent(
            d ->
                lines.add(
                    "failure domain: at most "
                        + d.maxInFlight()
                        + (d.maxInFlight() == 1 ? " host" : " hosts")
                        + " in flight per value of "
                        + d.var()));
    lines.add(
        "failure budget: "
            + s.maxFailures()
            + s.maxFailuresPerWave().map(w -> ", " + w + " per wave").orElse("")
            + (s.maxFailures().value() == 0 && s.maxFailuresPerWave().isEmpty()
                ? " (the first failure catches the rollout)"
                : ""));
    lines.add(
        "unreachable hosts: "
            + s.unreachable().policy().word()
            + (s.unreachable().policy() == Strategy.Unreachable.Policy.RETRY
                ? " ("
                    + s.unreachable().attempts()
                    + " more tries, from "
                    + DurationText.format(s.unreachable().backoff())
                    + " apart, doubling)"
                : ""));
    healthChecks(lines, "pre-checks per host", s.preChecks().host());
    healthChecks(lines, "pre-checks per wave", s.preChecks().wave());
    healthChecks(lines, "post-checks per host", s.postChecks().host());
    healthChecks(lines, "post-checks per wave", s.postChecks().wave());
    s.continuousChecks()
        .ifPresent(
            c ->
                healthChecks(
                    lines, "checks every " + DurationText.format(c.interval()), c.checks()));
    return lines;
  }

  private static void healthChecks(
      List<String> lines, String what, List<HealthCheck> healthChecks) {
    if (!healthChecks.isEmpty()) {
      lines.add(
          what
              + ": "
              + healthChecks.stream()
                  .map(g -> g.name() + " (on failure: " + g.onFailure().word() + ")")
                  .collect(Collectors.joining(", ")));
    }
  }
}

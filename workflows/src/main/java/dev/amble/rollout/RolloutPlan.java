package dev.amble.rollout;

import dev.amble.plan.Decision;
import java.util.List;

/**
 * The hosts a rollout walks, in order, and the ones its plan skipped, grouped by reason (reasons
 * repeat across a fleet; grouping keeps history small).
 */
public record RolloutPlan(List<Planned> walk, List<Skipped> skipped) {
  /** A host to walk, and why: its cached facts say so, it is a retry, or it has no facts yet. */
  public record Planned(String host, Decision decision) {}

  public record Skipped(String reason, List<String> hosts) {}

  public int total() {
    return walk.size() + skipped.stream().mapToInt(s -> s.hosts().size()).sum();
  }
}

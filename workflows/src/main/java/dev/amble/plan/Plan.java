package dev.amble.plan;

import dev.amble.amblefile.SortOrder;
import dev.amble.amblefile.Strategy;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run of a workspace would do with each of its hosts, in walk order: plain data, to print,
 * test and keep.
 */
public record Plan(
    String workspace,
    String workflow,
    String hostPattern,
    Optional<String> limit,
    SortOrder sortOrder,
    long seed,
    List<HostPlan> hosts,
    Strategy strategy) {

  /**
   * The wave each walked host falls in (1-based), by position; 0 for a host not walked. Waves start
   * again in each tier (each tier's first wave is its canary), numbered on from the tier before.
   * With a failure domain no host has a number: a wave is the next hosts that the domains let
   * start, which depends on which hosts end first.
   */
  public List<Integer> waves() {
    List<Integer> waves = new java.util.ArrayList<>();
    if (strategy.failureDomain().isPresent()) {
      hosts.forEach(h -> waves.add(0));
      return waves;
    }
    Map<String, Integer> walkedPerTier = new java.util.HashMap<>();
    hosts.stream()
        .filter(h -> h.decision().walks())
        .forEach(h -> walkedPerTier.merge(h.tier(), 1, Integer::sum));
    int wave = 0;
    int leftInWave = 0;
    String tier = null;
    List<Integer> sizes = List.of();
    int inTier = 0;
    for (HostPlan h : hosts) {
      if (!h.decision().walks()) {
        waves.add(0);
        continue;
      }
      if (!h.tier().equals(tier)) {
        tier = h.tier();
        sizes = Waves.sizes(strategy.waves(), walkedPerTier.get(tier));
        inTier = 0;
        leftInWave = 0;
      }
      if (leftInWave == 0) {
        leftInWave = sizes.get(inTier++);
        wave++;
      }
      waves.add(wave);
      leftInWave--;
    }
    return waves;
  }

  public Map<Decision, Integer> counts() {
    Map<Decision, Integer> counts = new EnumMap<>(Decision.class);
    for (Decision d : Decision.values()) {
      counts.put(d, 0);
    }
    hosts.forEach(h -> counts.merge(h.decision(), 1, Integer::sum));
    return counts;
  }
}

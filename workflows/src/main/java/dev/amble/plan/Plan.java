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

  /** The wave each walked host falls in (1-based), by position; 0 for a host not walked. */
  public List<Integer> waves() {
    int walked = (int) hosts.stream().filter(h -> h.decision().walks()).count();
    List<Integer> sizes = Waves.sizes(strategy.waves(), walked);
    List<Integer> waves = new java.util.ArrayList<>();
    int wave = 0;
    int leftInWave = 0;
    for (HostPlan h : hosts) {
      if (!h.decision().walks()) {
        waves.add(0);
        continue;
      }
      if (leftInWave == 0) {
        leftInWave = sizes.get(wave);
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

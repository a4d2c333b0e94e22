package dev.amble.plan;

import dev.amble.amblefile.SortOrder;
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
    List<HostPlan> hosts) {

  public Map<Decision, Integer> counts() {
    Map<Decision, Integer> counts = new EnumMap<>(Decision.class);
    for (Decision d : Decision.values()) {
      counts.put(d, 0);
    }
    hosts.forEach(h -> counts.merge(h.decision(), 1, Integer::sum));
    return counts;
  }
}

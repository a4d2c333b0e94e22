package dev.amble.plan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.amblefile.FailureDomain;
import dev.amble.amblefile.Strategy;
import dev.amble.amblefile.Tiers;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a host goes in a workspace's walk: its tier and its failure domain, from its inventory vars
 * (empty for a workspace without them).
 */
public record Placement(String tier, String domain) {
  public static final Placement NONE = new Placement("", "");

  /** The host's place, from its inventory {@code vars}. */
  public static Placement of(Strategy strategy, JsonNode vars) {
    String tier =
        strategy
            .tiers()
            .map(t -> t.name(value(vars, t.var()).map(t::indexOf).orElse(t.order().size())))
            .orElse("");
    String domain =
        strategy
            .failureDomain()
            .map(d -> value(vars, d.var()).orElse(FailureDomain.NONE))
            .orElse("");
    return tier.isEmpty() && domain.isEmpty() ? NONE : new Placement(tier, domain);
  }

  /** The longest value kept as it is: a longer one keeps its start and a digest of the rest. */
  public static final int VALUE_MAX = Tiers.VALUE_MAX;

  /**
   * An inventory var's value as text: a scalar's text, JSON for anything else; at most {@link
   * #VALUE_MAX} characters (a longer one is its start and a digest of the whole, so that pages of
   * the walk order stay bounded; two values that meet there share a domain, never lose one).
   */
  static Optional<String> value(JsonNode vars, String var) {
    JsonNode v = vars == null ? null : vars.get(var);
    if (v == null || v.isNull() || v.isMissingNode()) {
      return Optional.empty();
    }
    String text = v.isValueNode() ? v.asText() : v.toString();
    if (text.length() <= VALUE_MAX) {
      return Optional.of(text);
    }
    String digest =
        com.google.common.hash.Hashing.sha256()
            .hashString(text, java.nio.charset.StandardCharsets.UTF_8)
            .toString()
            .substring(0, 16);
    return Optional.of(text.substring(0, VALUE_MAX - 20) + "...#" + digest);
  }

  /**
   * The hosts in walk order: tier by tier (in the tiers' order), and within a tier each failure
   * domain's hosts together, the domains in the order their first host comes; otherwise in the
   * order given. The same hosts, unchanged, for a workspace with neither.
   */
  public static List<HostPlan> order(List<HostPlan> hosts, Strategy strategy) {
    if (strategy.tiers().isEmpty() && strategy.failureDomain().isEmpty()) {
      return hosts;
    }
    Optional<Tiers> tiers = strategy.tiers();
    Map<String, Integer> firstSeen = new HashMap<>();
    for (HostPlan h : hosts) {
      firstSeen.putIfAbsent(h.tier() + '\0' + h.domain(), firstSeen.size());
    }
    List<HostPlan> sorted = new ArrayList<>(hosts);
    sorted.sort(
        Comparator.<HostPlan>comparingInt(h -> tiers.map(t -> t.indexOf(h.tier())).orElse(0))
            .thenComparingInt(h -> firstSeen.get(h.tier() + '\0' + h.domain())));
    return List.copyOf(sorted);
  }
}

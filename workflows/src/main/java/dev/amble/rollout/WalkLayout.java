package dev.amble.rollout;

import dev.amble.amblefile.Strategy;
import dev.amble.pages.PageLine;
import dev.amble.plan.HostPlan;
import java.util.ArrayList;
import java.util.List;

/**
 * How a plan's walked hosts are kept: the walk order's runs of hosts of one failure domain and its
 * tiers, from the hosts in walk order ({@link dev.amble.plan.Placement#order}); plain data that
 * planning writes to pages and the rollout reads back.
 *
 * @param runs the runs in order, a {@link PageLine#run} each; empty without a failure domain
 * @param tiers the tiers in order; empty when the workspace walks no tiers
 */
public record WalkLayout(List<PageLine> runs, List<PlanSummary.Tier> tiers) {
  public static WalkLayout of(List<HostPlan> walked, Strategy strategy) {
    boolean byDomain = strategy.failureDomain().isPresent();
    boolean inTiers = strategy.tiers().isPresent();
    List<PageLine> runs = new ArrayList<>();
    List<PlanSummary.Tier> tiers = new ArrayList<>();
    String tier = null;
    String domain = null;
    int tierHosts = 0;
    int tierRuns = 0;
    int runHosts = 0;
    for (HostPlan h : walked) {
      boolean newTier = inTiers && !h.tier().equals(tier);
      boolean newRun = byDomain && (newTier || !h.domain().equals(domain));
      if (newRun && runHosts > 0) {
        runs.add(PageLine.run(domain, runHosts));
        runHosts = 0;
      }
      if (newTier && tier != null) {
        tiers.add(new PlanSummary.Tier(tier, tierHosts, tierRuns));
        tierHosts = 0;
        tierRuns = 0;
      }
      if (newRun) {
        tierRuns++;
      }
      tier = h.tier();
      domain = h.domain();
      tierHosts++;
      runHosts++;
    }
    if (byDomain && runHosts > 0) {
      runs.add(PageLine.run(domain, runHosts));
    }
    if (inTiers && tier != null) {
      tiers.add(new PlanSummary.Tier(tier, tierHosts, tierRuns));
    }
    return new WalkLayout(List.copyOf(runs), List.copyOf(tiers));
  }
}

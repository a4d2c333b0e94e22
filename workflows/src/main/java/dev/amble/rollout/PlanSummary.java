package dev.amble.rollout;

import java.util.List;

/**
 * A rollout's plan as the rollout holds it: counts, and where its pages are. The walk order itself
 * is on walk pages in Temporal ({@link dev.amble.pages.Pages}), decided once at planning, so any
 * worker resumes at the same place and a later change of inventory or facts never reorders it.
 *
 * @param prefix the page IDs' prefix
 * @param walkList the walk pages' list name ({@code walk.ATTEMPT})
 * @param skippedList the skipped pages' list name
 * @param total every host the pattern and limit matched
 * @param walk hosts to walk, in order, over {@code walkPages} pages
 * @param skipped the plan's reasons for skipping, the commonest first, at most {@link
 *     #REASONS_KEPT}, each with its count
 * @param skippedHosts every skipped host, over {@code skippedPages} pages
 * @param domainsList with a failure domain, the list of the walk order's runs of one domain ({@code
 *     domains.ATTEMPT}, a {@link dev.amble.pages.PageLine#run} each); empty without
 * @param runs how many runs, over {@code runPages} pages
 * @param tiers the walk order's tiers, in order, when the workspace walks in tiers; empty when not
 */
public record PlanSummary(
    String prefix,
    String walkList,
    int walk,
    int walkPages,
    int pageSize,
    String skippedList,
    int skippedHosts,
    int skippedPages,
    int total,
    List<Reason> skipped,
    String domainsList,
    int runs,
    int runPages,
    List<Tier> tiers) {

  /** At most this many skip reasons are counted by name; the rest are counted together. */
  public static final int REASONS_KEPT = 20;

  public PlanSummary {
    skipped = skipped == null ? List.of() : List.copyOf(skipped);
    domainsList = domainsList == null ? "" : domainsList;
    tiers = tiers == null ? List.of() : List.copyOf(tiers);
  }

  /** A plan without tiers or failure domains. */
  public PlanSummary(
      String prefix,
      String walkList,
      int walk,
      int walkPages,
      int pageSize,
      String skippedList,
      int skippedHosts,
      int skippedPages,
      int total,
      List<Reason> skipped) {
    this(
        prefix,
        walkList,
        walk,
        walkPages,
        pageSize,
        skippedList,
        skippedHosts,
        skippedPages,
        total,
        skipped,
        "",
        0,
        0,
        List.of());
  }

  /**
   * A tier of the walk order: its name, the hosts it walks, and (with a failure domain) its runs of
   * hosts of one domain.
   */
  public record Tier(String name, int hosts, int runs) {}

  /** A reason and how many hosts it applies to. */
  public record Reason(String reason, int hosts) {}
}

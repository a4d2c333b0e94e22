package dev.amble.worker;

import dev.amble.ansible.ProcessRunner;
import dev.amble.pages.Page;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import dev.amble.pages.TemporalPages;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.rollout.PlanSummary;
import dev.amble.rollout.WalkLayout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a plan in Temporal as pages: its walk order exactly as {@code amble plan} prints it (the
 * order of the walked hosts among all hosts), and the skipped hosts with their reasons. Pages of an
 * earlier attempt at the same planning are removed first, so a retried planning never mixes two
 * inventories.
 */
final class PlanPagesWriter {
  private final TemporalPages pages;
  private final ProcessRunner.Progress progress;

  PlanPagesWriter(TemporalPages pages, ProcessRunner.Progress progress) {
    this.pages = pages;
    this.progress = progress;
  }

  PlanSummary write(Plan plan, String prefix, int attempt) {
    for (int earlier = 1; earlier < attempt; earlier++) {
      removeList(prefix, Pages.WALK + "." + earlier);
      removeList(prefix, Pages.SKIPPED + "." + earlier);
      removeList(prefix, Pages.DOMAINS + "." + earlier);
    }
    String walkList = Pages.WALK + "." + attempt;
    String skippedList = Pages.SKIPPED + "." + attempt;
    List<PageLine> walk = new ArrayList<>();
    List<HostPlan> walked = new ArrayList<>();
    List<PageLine> skipped = new ArrayList<>();
    Map<String, Integer> reasons = new LinkedHashMap<>();
    for (HostPlan h : plan.hosts()) {
      if (h.decision().walks()) {
        walk.add(PageLine.walk(h.host()));
        walked.add(h);
      } else {
        skipped.add(new PageLine(h.host(), "skipped", h.reason(), 0));
        reasons.merge(Pages.bounded(h.reason()), 1, Integer::sum);
      }
    }
    int walkPages = writeList(prefix, walkList, walk, Pages.WALK_PAGE_SIZE);
    int skippedPages = writeList(prefix, skippedList, skipped, Pages.RESULT_PAGE_SIZE);
    WalkLayout layout = WalkLayout.of(walked, plan.strategy());
    String domainsList = layout.runs().isEmpty() ? "" : Pages.DOMAINS + "." + attempt;
    int runPages =
        domainsList.isEmpty()
            ? 0
            : writeList(prefix, domainsList, layout.runs(), Pages.WALK_PAGE_SIZE);
    return new PlanSummary(
        prefix,
        walkList,
        walk.size(),
        walkPages,
        Pages.WALK_PAGE_SIZE,
        skippedList,
        skipped.size(),
        skippedPages,
        plan.hosts().size(),
        commonest(reasons),
        domainsList,
        layout.runs().size(),
        runPages,
        layout.tiers());
  }

  /** The commonest reasons by name; the others counted as one. */
  static List<PlanSummary.Reason> commonest(Map<String, Integer> reasons) {
    List<PlanSummary.Reason> all = new ArrayList<>();
    reasons.forEach((r, n) -> all.add(new PlanSummary.Reason(r, n)));
    all.sort(Comparator.comparingInt(PlanSummary.Reason::hosts).reversed());
    if (all.size() <= PlanSummary.REASONS_KEPT) {
      return all;
    }
    List<PlanSummary.Reason> kept = new ArrayList<>(all.subList(0, PlanSummary.REASONS_KEPT - 1));
    List<PlanSummary.Reason> rest = all.subList(PlanSummary.REASONS_KEPT - 1, all.size());
    kept.add(
        new PlanSummary.Reason(
            rest.size() + " other reasons",
            rest.stream().mapToInt(PlanSummary.Reason::hosts).sum()));
    return kept;
  }

  private int writeList(String prefix, String list, List<PageLine> lines, int size) {
    int count = 0;
    for (int from = 0; from < lines.size(); from += size) {
      List<PageLine> part = lines.subList(from, Math.min(lines.size(), from + size));
      pages.write(Pages.id(prefix, list, count), new Page(list, count, part));
      progress.report("page " + list + "/" + count);
      count++;
    }
    return count;
  }

  private void removeList(String prefix, String list) {
    for (int i = 0;
        pages.terminate(Pages.id(prefix, list, i), "a later planning attempt replaced it");
        i++) {
      progress.report("removed " + list + "/" + i);
    }
  }
}

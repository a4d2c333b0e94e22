package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.amble.host.Outcome;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report: how many hosts ended how, and every failed host with its reason. Succeeded and
 * skipped hosts are counted, not listed; failed hosts are listed on pages of {@link
 * Pages#RESULT_PAGE_SIZE} kept in Temporal, the latest ones here until a page is full.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
final class Report {
  /** Hosts per outcome word. */
  Map<String, Integer> counts = new TreeMap<>();

  /** Failed hosts not on a page yet, oldest first. */
  List<PageLine> failed = new ArrayList<>();

  /** Pages of failed hosts written so far. */
  int failedPages;

  /** Failed hosts on those pages. */
  int failedOnPages;

  Report() {
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.HELD) {
        counts.put(o.word(), 0);
      }
    }
  }

  void count(Outcome outcome, int n) {
    counts.merge(outcome.word(), n, Integer::sum);
  }

  int count(Outcome outcome) {
    return counts.getOrDefault(outcome.word(), 0);
  }

  /** A failure for good: listed with its reason. */
  void list(PageLine line) {
    failed.add(line);
  }

  /** Whether a page of failed hosts is full and should be kept in Temporal. */
  boolean pageFull() {
    return failed.size() >= Pages.RESULT_PAGE_SIZE;
  }

  /** Takes a full page of the oldest failed hosts off the list; the caller keeps it. */
  List<PageLine> takePage() {
    List<PageLine> page = List.copyOf(failed.subList(0, Pages.RESULT_PAGE_SIZE));
    failed = new ArrayList<>(failed.subList(Pages.RESULT_PAGE_SIZE, failed.size()));
    failedPages++;
    failedOnPages += page.size();
    return page;
  }

  int failedTotal() {
    return failedOnPages + failed.size();
  }
}

package dev.amble.cli.look;

import dev.amble.host.Outcome;
import dev.amble.pages.Page;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import dev.amble.pages.TemporalPages;
import dev.amble.rollout.HostResult;
import dev.amble.rollout.RolloutStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every host a rollout lists with its reason (failed, unreachable, locked, cancelled), oldest
 * first: its pages of failed hosts in Temporal ({@code PREFIX/failed/I}, every one full, of the
 * size the rollout's amble wrote them with: the first page tells), then the latest ones its status
 * still holds, then the hosts awaiting a release. Read a page at a time, so that a rollout of any
 * size is listed in bounded memory.
 */
public final class FailedHosts {
  /** One listed host; {@code awaiting}: it waits for a release, which walks it again. */
  public record Line(String host, String outcome, String reason, int wave, boolean awaiting) {}

  /**
   * One page of the list.
   *
   * @param page from 1
   * @param pages how many pages of {@code pageSize} the list has
   * @param total hosts in the list
   * @param unlisted failed hosts the rollout counts but this list lacks: the latest ones, when only
   *     the memo was read (a worker lists them), and those on a page that is gone
   * @param missingPages pages of failed hosts that are no longer in Temporal (terminated)
   */
  record Listing(
      int page,
      int pageSize,
      int pages,
      int total,
      int unlisted,
      List<String> missingPages,
      List<Line> hosts) {}

  private final TemporalPages store;
  private final RolloutStatus status;

  /** Lines on each failed page. */
  private final int perPage;

  private final int onPages;

  /** The latest failed hosts the status holds, then the awaiting ones. */
  private final List<Line> tail = new ArrayList<>();

  private final int unlisted;
  private final Map<Integer, Optional<Page>> read = new HashMap<>();

  public FailedHosts(TemporalPages store, RolloutStatus status) {
    this.store = store;
    this.status = status;
    this.perPage =
        status.pages().isEmpty() || status.failedPages() == 0
            ? Pages.RESULT_PAGE_SIZE
            : failedPage(0)
                .map(p -> p.lines().size())
                .filter(n -> n > 0)
                .orElse(Pages.RESULT_PAGE_SIZE);
    this.onPages = status.pages().isEmpty() ? 0 : status.failedPages() * perPage;
    Set<String> awaiting = new HashSet<>(status.awaiting());
    int latest = 0;
    for (Map.Entry<String, HostResult> e : status.results().entrySet()) {
      // A rollout started before amble kept pages lists every host here: only those that did not
      // make it are listed.
      if (!awaiting.contains(e.getKey()) && e.getValue().outcome().isListed()) {
        tail.add(
            new Line(e.getKey(), e.getValue().outcome().word(), e.getValue().reason(), 0, false));
        latest++;
      }
    }
    for (String host : status.awaiting()) {
      HostResult r = status.results().get(host);
      tail.add(
          new Line(
              host,
              r == null ? Outcome.FAILED.word() : r.outcome().word(),
              r == null ? "" : r.reason(),
              0,
              true));
    }
    this.unlisted = Math.max(0, status.failedTotal() - onPages - latest);
  }

  int total() {
    return onPages + tail.size();
  }

  /** Page {@code page} (from 1) of {@code size} hosts; a page past the end has no host. */
  Listing page(int page, int size) {
    int total = total();
    int pages = total == 0 ? 1 : (total + size - 1) / size;
    List<Line> hosts = new ArrayList<>();
    long from = (long) (page - 1) * size;
    for (long i = from; i < Math.min(total, from + size); i++) {
      line((int) i).ifPresent(hosts::add);
    }
    List<String> missing = new ArrayList<>();
    int gone = 0;
    for (Map.Entry<Integer, Optional<Page>> e : read.entrySet()) {
      if (e.getValue().isEmpty()) {
        missing.add(pageId(e.getKey()));
        gone += perPage;
      }
    }
    missing.sort(null);
    return new Listing(page, size, pages, total, unlisted + gone, missing, hosts);
  }

  /** Every listed host, a page of failed hosts at a time (for {@code amble cancel --force}). */
  public void forEach(java.util.function.Consumer<Line> each) {
    for (int p = 0; p < status.failedPages(); p++) {
      failedPage(p).ifPresent(page -> page.lines().forEach(l -> each.accept(line(l))));
      read.remove(p);
    }
    tail.forEach(each);
  }

  private Optional<Line> line(int index) {
    if (index >= onPages) {
      return Optional.of(tail.get(index - onPages));
    }
    int p = index / perPage;
    int at = index % perPage;
    return failedPage(p)
        .filter(page -> at < page.lines().size())
        .map(page -> line(page.lines().get(at)));
  }

  private Optional<Page> failedPage(int p) {
    return read.computeIfAbsent(p, i -> store.read(pageId(i)));
  }

  private String pageId(int p) {
    return Pages.id(status.pages(), Pages.FAILED, p);
  }

  private static Line line(PageLine l) {
    return new Line(l.host(), l.outcome(), l.reason(), l.wave(), false);
  }
}

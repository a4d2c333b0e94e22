package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.amble.pages.PageLine;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The walk order read domain by domain, for a workspace with a failure domain: at most {@code
 * limit} hosts of one domain in flight, and a host waiting for its domain never holds back a host
 * of another.
 *
 * <p>Planning keeps each domain's hosts of a tier together in the walk order, and a list of the
 * order's runs (a domain and how many hosts) on pages. The cursor opens runs in order, one when no
 * open run may start a host, and takes each run's hosts in order. What it keeps is bounded by the
 * hosts in flight, not by the fleet: the open runs (each but the last has its domain full, so at
 * most the concurrency and one) and the domains of the hosts in flight or to walk again.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
final class DomainCursor {
  /** The next run of the order's list of runs to open, 0-based. */
  int nextRun;

  /** Where that run starts in the walk order. */
  int nextRunStart;

  /** Runs opened that still have hosts not started, in the order they were opened. */
  List<OpenRun> open = new ArrayList<>();

  /** The domain of each host in flight, to walk again, or waiting for a release. */
  Map<String, String> domainOf = new LinkedHashMap<>();

  DomainCursor() {}

  /** A run of the walk order being taken: its domain, its next host, and its end (exclusive). */
  @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
  static final class OpenRun {
    String domain = "";
    int next;
    int end;

    OpenRun() {}

    OpenRun(String domain, int next, int end) {
      this.domain = domain;
      this.next = next;
      this.end = end;
    }
  }

  /** What the cursor reads of the order (from its pages): a host, or a run, by its index. */
  interface Order {
    String host(int index);

    PageLine run(int index);
  }

  /** Hosts of {@code domain} among {@code walks}, the hosts in flight. */
  int inFlight(String domain, Collection<String> walks) {
    return inFlight(walks).getOrDefault(domain, 0);
  }

  /** The hosts in flight of each domain, counted once for a decision (not once per domain). */
  Map<String, Integer> inFlight(Collection<String> walks) {
    Map<String, Integer> n = new java.util.HashMap<>();
    for (String h : walks) {
      String d = domainOf.get(h);
      if (d != null) {
        n.merge(d, 1, Integer::sum);
      }
    }
    return n;
  }

  private static boolean room(String domain, Map<String, Integer> inFlight, int limit) {
    return inFlight.getOrDefault(domain, 0) < limit;
  }

  /** The first host to walk again whose domain has room now. */
  Optional<String> again(Deque<String> retry, Collection<String> walks, int limit) {
    if (retry.isEmpty()) {
      return Optional.empty();
    }
    Map<String, Integer> inFlight = inFlight(walks);
    return retry.stream()
        .filter(h -> room(domainOf.getOrDefault(h, ""), inFlight, limit))
        .findFirst();
  }

  /**
   * Whether a host of the order not started yet may start now: an open run's domain has room, or a
   * run before {@code runsEnd} (the current tier's end) is still to open; a run not opened yet has
   * no host in flight, since a tier holds one run per domain and a tier starts only once the one
   * before it is done.
   */
  boolean mayTake(int runsEnd, Collection<String> walks, int limit) {
    Map<String, Integer> inFlight = inFlight(walks);
    for (OpenRun r : open) {
      if (room(r.domain, inFlight, limit)) {
        return true;
      }
    }
    return nextRun < runsEnd;
  }

  /**
   * The next host of the order that may start ({@link #mayTake} said there is one): from the first
   * open run whose domain has room, else from the next run, opened.
   */
  String take(Order order, Collection<String> walks, int limit) {
    Map<String, Integer> inFlight = inFlight(walks);
    for (OpenRun r : open) {
      if (room(r.domain, inFlight, limit)) {
        return takeFrom(r, order);
      }
    }
    PageLine run = order.run(nextRun);
    OpenRun r = new OpenRun(run.domain(), nextRunStart, nextRunStart + run.hosts());
    nextRun++;
    nextRunStart += run.hosts();
    open.add(r);
    return takeFrom(r, order);
  }

  private String takeFrom(OpenRun r, Order order) {
    String host = order.host(r.next);
    r.next++;
    if (r.next >= r.end) {
      open.remove(r);
    }
    domainOf.put(host, r.domain);
    return host;
  }

  /** Forgets the domains of the hosts {@code kept} does not keep. */
  void keepOnly(Predicate<String> kept) {
    domainOf.keySet().removeIf(h -> !kept.test(h));
  }
}

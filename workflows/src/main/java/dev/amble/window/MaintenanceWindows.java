package dev.amble.window;

import dev.amble.amblefile.Windows;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When a workspace's hosts may start, as a pure calculation over its {@link Windows} and the time
 * zone rules of this JVM. Workflow code never calls it directly: it records the answer (a side
 * effect), so that a worker with newer time-zone data replays old histories unchanged.
 *
 * <p>The rules, applied in this order:
 *
 * <ol>
 *   <li>An allow window opens at {@code from} on each of its days and closes at {@code to} that
 *       day, or the next day when {@code to} is not later than {@code from}. Overlapping or
 *       touching windows are one window. No allow windows means any time.
 *   <li>A wall-clock time that a spring-forward skips is the first valid instant after it (the
 *       instant of the transition); a time that a fall-back repeats is its first occurrence.
 *   <li>A deny date removes that local calendar day, from its first instant to the next day's.
 *   <li>The cutoff comes off the end of each stretch that is left: no host starts in the last
 *       {@code cutoff} before the window closes or a deny date begins.
 * </ol>
 */
public final class MaintenanceWindows {
  /** How far ahead the next period is looked for. */
  static final int HORIZON_DAYS = 400;

  private final Windows windows;
  private final ZoneId zone;

  public MaintenanceWindows(Windows windows) {
    this.windows = windows;
    this.zone = ZoneId.of(windows.timeZone());
  }

  /** Whether a host may start at {@code now}. */
  public boolean allowsStartAt(Instant now) {
    return period(now).filter(p -> p.allowsStartAt(now)).isPresent();
  }

  /**
   * The period that allows starts at {@code now}, or else the next one; empty when none opens
   * within {@value #HORIZON_DAYS} days. When there are no allow windows, a period ends at the
   * horizon if no deny date ends it first.
   */
  public Optional<StartPeriod> period(Instant now) {
    LocalDate today = now.atZone(zone).toLocalDate();
    LocalDate first = today.minusDays(1);
    LocalDate last = today.plusDays(HORIZON_DAYS);
    List<StartPeriod> stretches = union(open(first, last));
    for (LocalDate d : denied(first, last)) {
      stretches = without(stretches, startOf(d), startOf(d.plusDays(1)));
    }
    Duration cutoff = windows.cutoff();
    return stretches.stream()
        .map(s -> new StartPeriod(s.opens(), s.closes().minus(cutoff)))
        .filter(s -> s.closes().isAfter(s.opens()) && s.closes().isAfter(now))
        .findFirst();
  }

  /** Every allow window that opens on a day from {@code first} to {@code last}, in any order. */
  private List<StartPeriod> open(LocalDate first, LocalDate last) {
    List<StartPeriod> open = new ArrayList<>();
    if (windows.allow().isEmpty()) {
      open.add(new StartPeriod(startOf(first), startOf(last.plusDays(1))));
      return open;
    }
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      for (Windows.Allow a : windows.allow()) {
        if (a.days().contains(d.getDayOfWeek())) {
          LocalDate closing = a.crossesMidnight() ? d.plusDays(1) : d;
          open.add(new StartPeriod(instant(d, a.from()), instant(closing, a.to())));
        }
      }
    }
    return open;
  }

  private List<LocalDate> denied(LocalDate first, LocalDate last) {
    return windows.deny().stream()
        .flatMap(d -> d.dates().stream())
        .filter(d -> !d.isBefore(first) && !d.isAfter(last))
        .toList();
  }

  /** Sorted, with overlapping and touching stretches made one. */
  private static List<StartPeriod> union(List<StartPeriod> stretches) {
    List<StartPeriod> sorted =
        stretches.stream()
            .filter(s -> s.closes().isAfter(s.opens()))
            .sorted(Comparator.comparing(StartPeriod::opens))
            .toList();
    List<StartPeriod> merged = new ArrayList<>();
    for (StartPeriod s : sorted) {
      int lastIndex = merged.size() - 1;
      if (lastIndex >= 0 && !s.opens().isAfter(merged.get(lastIndex).closes())) {
        StartPeriod before = merged.get(lastIndex);
        Instant closes = before.closes().isAfter(s.closes()) ? before.closes() : s.closes();
        merged.set(lastIndex, new StartPeriod(before.opens(), closes));
      } else {
        merged.add(s);
      }
    }
    return merged;
  }

  /** The stretches with {@code [from, to)} cut out of them. */
  private static List<StartPeriod> without(List<StartPeriod> stretches, Instant from, Instant to) {
    List<StartPeriod> left = new ArrayList<>();
    for (StartPeriod s : stretches) {
      if (!s.closes().isAfter(from) || !s.opens().isBefore(to)) {
        left.add(s);
        continue;
      }
      if (s.opens().isBefore(from)) {
        left.add(new StartPeriod(s.opens(), from));
      }
      if (s.closes().isAfter(to)) {
        left.add(new StartPeriod(to, s.closes()));
      }
    }
    return left;
  }

  /** The first instant of a local calendar day (not always midnight). */
  private Instant startOf(LocalDate day) {
    return day.atStartOfDay(zone).toInstant();
  }

  /**
   * The instant a wall clock in the zone shows {@code time} on {@code day}: in a spring-forward
   * gap, the first valid instant after it; in a fall-back overlap, the first occurrence.
   */
  Instant instant(LocalDate day, LocalTime time) {
    LocalDateTime local = day.atTime(time);
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    if (transition != null && transition.isGap()) {
      return transition.getInstant();
    }
    return ZonedDateTime.ofLocal(local, zone, null).toInstant();
  }
}

package dev.amble.amblefile;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Locale;

/**
 * A workspace's maintenance windows: when its hosts may start their walk. Times are wall-clock
 * times in {@code timeZone}; the arithmetic is {@link dev.amble.window.MaintenanceWindows}'s.
 *
 * @param timeZone an IANA zone ID such as {@code Europe/Berlin}
 * @param allow a host starts only inside one of these; empty means at any time not denied
 * @param deny local calendar days on which no host starts, even inside an allow window
 * @param cutoff no host starts in the last {@code cutoff} of an allow window
 */
public record Windows(String timeZone, List<Allow> allow, List<Deny> deny, Duration cutoff) {

  /** Fields missing from a serialized definition take their defaults. */
  public Windows {
    allow = allow == null ? List.of() : List.copyOf(allow);
    deny = deny == null ? List.of() : List.copyOf(deny);
    cutoff = cutoff == null ? Duration.ZERO : cutoff;
  }

  /**
   * A window that opens at {@code from} on each of {@code days} and closes at {@code to}: the same
   * day when {@code to} is later, otherwise the next day (the window crosses midnight).
   */
  public record Allow(List<DayOfWeek> days, LocalTime from, LocalTime to) {
    public Allow {
      days = days == null ? List.of() : List.copyOf(days);
    }

    /** How long the window is open on a day without a clock change. */
    public Duration length() {
      Duration d = Duration.between(from, to);
      return d.isNegative() || d.isZero() ? d.plusDays(1) : d;
    }

    /** Whether the window ends on the day after it opens. */
    public boolean crossesMidnight() {
      return !to.isAfter(from);
    }
  }

  /** Local calendar days on which no host starts. */
  public record Deny(List<LocalDate> dates) {
    public Deny {
      dates = dates == null ? List.of() : List.copyOf(dates);
    }
  }

  /** A day as the Amblefile writes it: {@code mon}, {@code tue}, ... */
  public static String word(DayOfWeek day) {
    return day.name().substring(0, 3).toLowerCase(Locale.ROOT);
  }
}

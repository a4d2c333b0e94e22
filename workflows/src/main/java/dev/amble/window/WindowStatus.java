package dev.amble.window;

import dev.amble.amblefile.DurationText;
import dev.amble.amblefile.Windows;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * A rollout's maintenance window as status shows it: the period open now or next, and the zone its
 * times are told in.
 */
public record WindowStatus(String timeZone, Instant opens, Instant closes) {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEE HH:mm z", Locale.ENGLISH);

  public static WindowStatus of(String timeZone, StartPeriod period) {
    return new WindowStatus(timeZone, period.opens(), period.closes());
  }

  /** The windows' period open at {@code now} or next, computed now (outside workflow code). */
  public static Optional<WindowStatus> at(Windows windows, Instant now) {
    return new MaintenanceWindows(windows).period(now).map(p -> of(windows.timeZone(), p));
  }

  /**
   * One line: {@code waiting for maintenance window: opens Mon 22:00 CET, in 3h12m}, or {@code
   * maintenance window open: hosts start until Tue 04:15 CET, for 2h5m more}.
   */
  public String describe(Instant now) {
    if (now.isBefore(opens)) {
      return "waiting for maintenance window: opens " + at(opens) + ", in " + until(now, opens);
    }
    return "maintenance window open: hosts start until "
        + at(closes)
        + ", for "
        + until(now, closes)
        + " more";
  }

  private String at(Instant t) {
    return WHEN.format(t.atZone(ZoneId.of(timeZone)));
  }

  /** Whole minutes, rounded up, so that "in 0m" is never said of a future instant. */
  private static String until(Instant now, Instant then) {
    Duration d = Duration.between(now, then);
    Duration minutes = d.truncatedTo(ChronoUnit.MINUTES);
    return DurationText.format(minutes.equals(d) ? d : minutes.plusMinutes(1));
  }
}

package dev.amble.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.amble.amblefile.Windows;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WindowStatusTest {
  /** Monday 2026-12-07 22:00 CET to Tuesday 04:15 CET (05:00 less a 45-minute cutoff). */
  static final WindowStatus MONDAY_NIGHT =
      new WindowStatus(
          "Europe/Berlin",
          Instant.parse("2026-12-07T21:00:00Z"),
          Instant.parse("2026-12-08T03:15:00Z"));

  @Test
  void saysWhenTheWindowOpensInTheZonesTime() {
    assertEquals(
        "waiting for maintenance window: opens Mon 22:00 CET, in 3h12m",
        MONDAY_NIGHT.describe(Instant.parse("2026-12-07T17:48:00Z")));
    assertEquals(
        "waiting for maintenance window: opens Mon 22:00 CET, in 3h12m",
        MONDAY_NIGHT.describe(Instant.parse("2026-12-07T17:48:30Z")),
        "part of a minute counts as a minute");
    assertEquals(
        "waiting for maintenance window: opens Mon 22:00 CET, in 1d2h",
        MONDAY_NIGHT.describe(Instant.parse("2026-12-06T19:00:00Z")));
  }

  @Test
  void saysUntilWhenHostsStartInAnOpenWindow() {
    assertEquals(
        "maintenance window open: hosts start until Tue 04:15 CET, for 2h15m more",
        MONDAY_NIGHT.describe(Instant.parse("2026-12-08T01:00:00Z")));
  }

  @Test
  void isComputedFromAWorkspacesWindows() {
    Windows weeknights =
        new Windows(
            "Europe/Berlin",
            List.of(
                new Windows.Allow(
                    List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY),
                    LocalTime.of(22, 0),
                    LocalTime.of(5, 0))),
            List.of(),
            Duration.ofMinutes(45));
    assertEquals(
        Optional.of(MONDAY_NIGHT),
        WindowStatus.at(weeknights, Instant.parse("2026-12-04T12:00:00Z")),
        "on the Friday before");
  }
}

package dev.amble.cli.start;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cron expressions a schedule's calendar takes, and the ones it refuses. */
class ScheduleCalendarTest {
  @Test
  void cronExpressions() {
    for (String good :
        List.of(
            "0 2 * * mon",
            "*/15 1-5 * jan-mar mon-fri",
            "0 22 1,15 * 0",
            "30 3 * * 7",
            "@daily",
            "@every 30s",
            "@every 1h30m")) {
      assertEquals(Optional.empty(), ScheduleCalendar.cronProblem(good), good);
    }
    for (String bad :
        List.of(
            "0 2 * *",
            "61 * * * *",
            "0 2 * * funday",
            "0 2 32 * *",
            "0 5-2 * * *",
            "*/0 * * * *",
            "@every",
            "@every soon",
            "@fortnightly")) {
      assertTrue(ScheduleCalendar.cronProblem(bad).isPresent(), bad);
    }
  }
}

package dev.amble.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Windows;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Window arithmetic with fixed instants; each expectation is worked out by hand in UTC. */
class MaintenanceWindowsTest {

  private static Windows.Allow allow(List<DayOfWeek> days, String from, String to) {
    return new Windows.Allow(days, LocalTime.parse(from), LocalTime.parse(to));
  }

  private static MaintenanceWindows windows(
      String zone, List<Windows.Allow> allow, List<String> deny, Duration cutoff) {
    List<Windows.Deny> denied =
        deny.isEmpty()
            ? List.of()
            : List.of(new Windows.Deny(deny.stream().map(LocalDate::parse).toList()));
    return new MaintenanceWindows(new Windows(zone, allow, denied, cutoff));
  }

  private static StartPeriod period(String opens, String closes) {
    return new StartPeriod(Instant.parse(opens), Instant.parse(closes));
  }

  private static Optional<StartPeriod> at(MaintenanceWindows w, String now) {
    return w.period(Instant.parse(now));
  }

  /** 2026-03-29, Europe/Berlin: 02:00 CET becomes 03:00 CEST (01:00Z); 02:30 never happens. */
  @Test
  void aFromThatSpringForwardSkipsOpensAtTheFirstValidInstantBerlin() {
    MaintenanceWindows w =
        windows(
            "Europe/Berlin",
            List.of(allow(List.of(DayOfWeek.SUNDAY), "02:30", "05:00")),
            List.of(),
            Duration.ZERO);
    assertEquals(
        Optional.of(period("2026-03-29T01:00:00Z", "2026-03-29T03:00:00Z")),
        at(w, "2026-03-28T12:00:00Z"));
    assertFalse(w.allowsStartAt(Instant.parse("2026-03-29T00:59:59Z")));
    assertTrue(w.allowsStartAt(Instant.parse("2026-03-29T01:00:00Z")));
    // The Sunday before, without a clock change: 02:30 CET is 01:30Z.
    assertEquals(
        Optional.of(period("2026-03-22T01:30:00Z", "2026-03-22T04:00:00Z")),
        at(w, "2026-03-21T12:00:00Z"));
  }

  /** 2026-10-25, Europe/Berlin: 03:00 CEST becomes 02:00 CET (01:00Z); 02:30 happens twice. */
  @Test
  void aTimeThatFallBackRepeatsIsItsFirstOccurrenceBerlin() {
    MaintenanceWindows w =
        windows(
            "Europe/Berlin",
            List.of(allow(List.of(DayOfWeek.SUNDAY), "02:30", "04:00")),
            List.of(),
            Duration.ZERO);
    // 02:30 CEST (00:30Z) to 04:00 CET (03:00Z): two and a half hours that night.
    assertEquals(
        Optional.of(period("2026-10-25T00:30:00Z", "2026-10-25T03:00:00Z")),
        at(w, "2026-10-24T12:00:00Z"));
    assertTrue(w.allowsStartAt(Instant.parse("2026-10-25T01:15:00Z")), "02:15 CET, inside");
  }

  /** 2026-03-08, America/New_York: 02:00 EST becomes 03:00 EDT (07:00Z). */
  @Test
  void springForwardNewYorkWithACutoffAndAToInTheGap() {
    MaintenanceWindows w =
        windows(
            "America/New_York",
            List.of(allow(List.of(DayOfWeek.SUNDAY), "01:00", "03:30")),
            List.of(),
            Duration.ofMinutes(30));
    // 01:00 EST (06:00Z) to 03:30 EDT (07:30Z) is 90 minutes that night, less 30 of cutoff.
    assertEquals(
        Optional.of(period("2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z")),
        at(w, "2026-03-08T05:00:00Z"));

    MaintenanceWindows endsInGap =
        windows(
            "America/New_York",
            List.of(allow(List.of(DayOfWeek.SUNDAY), "01:00", "02:30")),
            List.of(),
            Duration.ZERO);
    // 02:30 does not happen: the window closes when the clock jumps, 03:00 EDT (07:00Z).
    assertEquals(
        Optional.of(period("2026-03-08T06:00:00Z", "2026-03-08T07:00:00Z")),
        at(endsInGap, "2026-03-08T05:00:00Z"));
  }

  /** 2026-11-01, America/New_York: 02:00 EDT becomes 01:00 EST (06:00Z); 01:30 happens twice. */
  @Test
  void fallBackNewYork() {
    MaintenanceWindows w =
        windows(
            "America/New_York",
            List.of(allow(List.of(DayOfWeek.SUNDAY), "01:30", "03:00")),
            List.of(),
            Duration.ZERO);
    // 01:30 EDT (05:30Z) to 03:00 EST (08:00Z): two and a half hours.
    assertEquals(
        Optional.of(period("2026-11-01T05:30:00Z", "2026-11-01T08:00:00Z")),
        at(w, "2026-10-31T12:00:00Z"));
    assertTrue(w.allowsStartAt(Instant.parse("2026-11-01T06:45:00Z")), "the second 01:45");
  }

  private static final List<DayOfWeek> MON_TO_THU =
      List.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY);

  /** Weeknights 22:00 to 05:00 Berlin (CET, UTC+1, in December), 45 minutes of cutoff. */
  @Test
  void aWindowCrossingMidnightWithACutoff() {
    MaintenanceWindows w =
        windows(
            "Europe/Berlin",
            List.of(allow(MON_TO_THU, "22:00", "05:00")),
            List.of(),
            Duration.ofMinutes(45));
    // Tuesday 03:00 CET: inside Monday night's window, which stops starts at 04:15 CET.
    StartPeriod mondayNight = period("2026-11-30T21:00:00Z", "2026-12-01T03:15:00Z");
    assertEquals(Optional.of(mondayNight), at(w, "2026-12-01T02:00:00Z"));
    assertTrue(w.allowsStartAt(Instant.parse("2026-12-01T03:14:59Z")));
    // 04:15 CET: the cutoff; the next period is Tuesday night.
    assertFalse(w.allowsStartAt(Instant.parse("2026-12-01T03:15:00Z")));
    assertEquals(
        Optional.of(period("2026-12-01T21:00:00Z", "2026-12-02T03:15:00Z")),
        at(w, "2026-12-01T03:15:00Z"));
    // Friday noon: no window on Friday, Saturday or Sunday; Monday 22:00 CET is next.
    assertEquals(
        Optional.of(period("2026-12-07T21:00:00Z", "2026-12-08T03:15:00Z")),
        at(w, "2026-12-04T11:00:00Z"));
  }

  /** A deny date removes its local calendar day, and the cutoff comes before it too. */
  @Test
  void aDenyDateCoversItsLocalDay() {
    MaintenanceWindows w =
        windows(
            "Europe/Berlin",
            List.of(allow(MON_TO_THU, "22:00", "05:00")),
            List.of("2026-12-24"),
            Duration.ofMinutes(45));
    // Wednesday night stops at Thursday 00:00 CET (23:00Z), less the cutoff.
    assertEquals(
        Optional.of(period("2026-12-23T21:00:00Z", "2026-12-23T22:15:00Z")),
        at(w, "2026-12-23T12:00:00Z"));
    // Thursday night opens when the 24th ends, at Friday 00:00 CET, until 05:00 less the cutoff.
    assertEquals(
        Optional.of(period("2026-12-24T23:00:00Z", "2026-12-25T03:15:00Z")),
        at(w, "2026-12-23T22:15:00Z"));
    assertFalse(w.allowsStartAt(Instant.parse("2026-12-24T21:30:00Z")), "22:30 on the 24th");
  }

  /** Without allow windows, any time is allowed but the deny dates. */
  @Test
  void denyDatesAloneAllowEveryOtherDay() {
    MaintenanceWindows w =
        windows("America/New_York", List.of(), List.of("2026-11-26"), Duration.ZERO);
    StartPeriod beforeThanksgiving = at(w, "2026-11-20T12:00:00Z").orElseThrow();
    assertTrue(beforeThanksgiving.allowsStartAt(Instant.parse("2026-11-20T12:00:00Z")));
    assertEquals(Instant.parse("2026-11-26T05:00:00Z"), beforeThanksgiving.closes());
    assertEquals(
        Instant.parse("2026-11-27T05:00:00Z"), at(w, "2026-11-26T12:00:00Z").orElseThrow().opens());
  }

  /** Touching windows are one: the cutoff comes off the end of both, not between them. */
  @Test
  void touchingWindowsAreOne() {
    MaintenanceWindows w =
        windows(
            "UTC",
            List.of(
                allow(List.of(DayOfWeek.MONDAY), "20:00", "00:00"),
                allow(List.of(DayOfWeek.TUESDAY), "00:00", "02:00")),
            List.of(),
            Duration.ofHours(1));
    assertEquals(
        Optional.of(period("2026-11-30T20:00:00Z", "2026-12-01T01:00:00Z")),
        at(w, "2026-11-30T12:00:00Z"));
  }
}

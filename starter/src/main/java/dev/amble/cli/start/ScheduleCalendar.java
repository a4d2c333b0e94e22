package dev.amble.cli.start;

import dev.amble.amblefile.DurationText;
import dev.amble.cli.common.Exit;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * When a schedule starts its rollout: a cron expression read in a time zone, how late a missed
 * start may still happen (the catch-up window), and a random delay (jitter). Checked here, before
 * anything is asked of Temporal, so that a mistake names its option.
 *
 * @param cron five fields (minute hour day-of-month month day-of-week, names like {@code mon} and
 *     {@code jan} allowed), {@code @daily} and its kin, or {@code @every DURATION}
 * @param timeZone an IANA zone, e.g. {@code Europe/Berlin}
 */
record ScheduleCalendar(String cron, String timeZone, Duration catchUpWindow, Duration jitter) {
  static final String DEFAULT_TIME_ZONE = "UTC";
  static final String DEFAULT_CATCH_UP_WINDOW = "1h";
  static final String DEFAULT_JITTER = "0s";

  private static final List<String> MACROS =
      List.of("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly");
  private static final List<String> MONTHS =
      List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");
  private static final List<String> DAYS = List.of("sun", "mon", "tue", "wed", "thu", "fri", "sat");

  /** One cron field: its name for messages, its bounds, its names (index + offset = value). */
  private record Field(String name, int min, int max, List<String> names, int offset) {}

  private static final List<Field> FIELDS =
      List.of(
          new Field("minute", 0, 59, List.of(), 0),
          new Field("hour", 0, 23, List.of(), 0),
          new Field("day of month", 1, 31, List.of(), 0),
          new Field("month", 1, 12, MONTHS, 1),
          new Field("day of week", 0, 7, DAYS, 0));

  /** Reads the options as given; a mistake ends the command (exit 2) naming the option. */
  static ScheduleCalendar of(String cron, String timeZone, String catchUpWindow, String jitter) {
    cronProblem(cron).ifPresent(p -> badInput("--cron \"" + cron + "\": " + p));
    if (!timeZone.equals("UTC") && !ZoneId.getAvailableZoneIds().contains(timeZone)) {
      badInput(
          "--time-zone "
              + timeZone
              + ": not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)");
    }
    Duration catchUp = duration("--catch-up-window", catchUpWindow);
    if (catchUp.compareTo(Duration.ofSeconds(10)) < 0) {
      badInput("--catch-up-window " + catchUpWindow + ": at least 10s (Temporal's minimum)");
    }
    return new ScheduleCalendar(cron.strip(), timeZone, catchUp, duration("--jitter", jitter));
  }

  private static Duration duration(String option, String text) {
    return DurationText.parse(text)
        .filter(d -> !d.isNegative())
        .orElseThrow(
            () ->
                Exit.badInput(
                    "amble: "
                        + option
                        + " "
                        + text
                        + ": not a duration (90s, 10m, 1h, 1h30m, 1d)"));
  }

  private static void badInput(String message) {
    throw Exit.badInput("amble: " + message);
  }

  /** What is wrong with a cron expression, if anything. */
  static Optional<String> cronProblem(String cron) {
    String c = cron.strip().toLowerCase(Locale.ROOT);
    if (c.startsWith("@every")) {
      String every = c.substring("@every".length()).strip();
      return DurationText.parse(every)
              .filter(d -> d.compareTo(Duration.ofSeconds(1)) >= 0)
              .isPresent()
          ? Optional.empty()
          : Optional.of("@every takes a duration of at least 1s, e.g. @every 30m");
    }
    if (c.startsWith("@")) {
      return MACROS.contains(c)
          ? Optional.empty()
          : Optional.of("unknown " + c + " (" + String.join(", ", MACROS) + ", @every DURATION)");
    }
    String[] fields = c.split("\\s+");
    if (fields.length != FIELDS.size()) {
      return Optional.of(
          "five fields (minute hour day-of-month month day-of-week), e.g. \"0 2 * * mon\"; got "
              + fields.length);
    }
    for (int i = 0; i < fields.length; i++) {
      Optional<String> p = fieldProblem(fields[i], FIELDS.get(i));
      if (p.isPresent()) {
        return p;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> fieldProblem(String text, Field f) {
    for (String item : text.split(",", -1)) {
      String range = item;
      int slash = item.indexOf('/');
      if (slash >= 0) {
        range = item.substring(0, slash);
        Optional<Integer> step = number(item.substring(slash + 1), Map.of());
        if (step.isEmpty() || step.get() < 1) {
          return Optional.of(f.name() + " \"" + item + "\": the step after / is a number >= 1");
        }
      }
      if (range.equals("*") || range.equals("?")) {
        continue;
      }
      String[] ends = range.split("-", -1);
      if (ends.length > 2) {
        return Optional.of(f.name() + " \"" + item + "\": a range is FROM-TO");
      }
      Map<String, Integer> names = new java.util.HashMap<>();
      for (int n = 0; n < f.names().size(); n++) {
        names.put(f.names().get(n), n + f.offset());
      }
      int previous = Integer.MIN_VALUE;
      for (String end : ends) {
        Optional<Integer> v = number(end, names);
        if (v.isEmpty() || v.get() < f.min() || v.get() > f.max()) {
          return Optional.of(
              f.name()
                  + " \""
                  + end
                  + "\": not in "
                  + f.min()
                  + "-"
                  + f.max()
                  + (f.names().isEmpty()
                      ? ""
                      : " or " + f.names().get(0) + ".." + f.names().get(f.names().size() - 1)));
        }
        if (v.get() < previous) {
          return Optional.of(f.name() + " \"" + item + "\": the range ends before it starts");
        }
        previous = v.get();
      }
    }
    return Optional.empty();
  }

  private static Optional<Integer> number(String text, Map<String, Integer> names) {
    if (names.containsKey(text)) {
      return Optional.of(names.get(text));
    }
    if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(Integer.parseInt(text));
  }

  /** Temporal's spec: {@code @every} as an interval, anything else as the cron expression. */
  ScheduleSpec spec() {
    ScheduleSpec.Builder spec =
        ScheduleSpec.newBuilder().setTimeZoneName(timeZone).setJitter(jitter);
    String c = cron.toLowerCase(Locale.ROOT);
    if (c.startsWith("@every")) {
      Duration every = DurationText.parse(c.substring("@every".length()).strip()).orElseThrow();
      return spec.setIntervals(List.of(new ScheduleIntervalSpec(every))).build();
    }
    return spec.setCronExpressions(List.of(cron)).build();
  }

  /**
   * Temporal's policy: a start missed (server or workers down) by less than the catch-up window
   * still happens; a launcher still pending skips the next start (it only starts the rollout: the
   * workspace's mutex decides the rest).
   */
  SchedulePolicy policy() {
    return SchedulePolicy.newBuilder()
        .setCatchupWindow(catchUpWindow)
        .setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP)
        .build();
  }

  /** {@code cron "0 2 * * mon" in Europe/Berlin, catch-up window 1h, jitter 0s}. */
  String describe() {
    return "cron \""
        + cron
        + "\" in "
        + timeZone
        + ", catch-up window "
        + DurationText.format(catchUpWindow)
        + ", jitter "
        + DurationText.format(jitter);
  }
}

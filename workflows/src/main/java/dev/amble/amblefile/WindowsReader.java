package dev.amble.amblefile;

import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a workspace's {@code windows:} into {@link Windows}, reporting each mistake where it is.
 */
final class WindowsReader {
  static final List<String> WINDOWS_KEYS = List.of("time_zone", "allow", "deny", "cutoff");
  static final List<String> ALLOW_KEYS = List.of("days", "from", "to");
  static final List<String> DENY_KEYS = List.of("dates");
  static final List<String> DAYS = Arrays.stream(DayOfWeek.values()).map(Windows::word).toList();
  private static final Pattern TIME = Pattern.compile("([01]\\d|2[0-3]):[0-5]\\d");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  private final Problems problems;

  WindowsReader(Problems problems) {
    this.problems = problems;
  }

  /** The workspace's windows, if it has a valid {@code windows:} key. */
  Optional<Windows> read(Fields workspace) {
    Optional<Fields> opened =
        workspace
            .node("windows")
            .flatMap(n -> Fields.open(n, workspace.path("windows"), problems, WINDOWS_KEYS));
    if (opened.isEmpty()) {
      return Optional.empty();
    }
    Fields f = opened.get();
    Optional<String> zone = f.string("time_zone", true).flatMap(z -> zone(f, z));
    Duration cutoff = f.duration("cutoff", true).orElse(Duration.ZERO);
    List<Windows.Allow> allow = items(f, "allow", ALLOW_KEYS, a -> allow(a, cutoff));
    List<Windows.Deny> deny = items(f, "deny", DENY_KEYS, this::deny);
    if (!f.has("allow") && !f.has("deny")) {
      problems.add(
          f.map().position(),
          f.path(),
          "needs allow (when hosts may start) or deny (dates they may not), or both");
    }
    if (f.has("cutoff") && !f.has("allow")) {
      f.problem("cutoff", "only goes with allow windows, and these have none");
    }
    return zone.map(z -> new Windows(z, allow, deny, cutoff));
  }

  private static Optional<String> zone(Fields f, String given) {
    Set<String> known = ZoneId.getAvailableZoneIds();
    if (known.contains(given)) {
      return Optional.of(given);
    }
    f.problem(
        "time_zone",
        "unknown time zone \""
            + given
            + "\"; use an IANA name such as Europe/Berlin or America/New_York"
            + DidYouMean.hint(given, known));
    return Optional.empty();
  }

  /** A list of maps, each read by {@code item}; an empty list is a problem. */
  private <T> List<T> items(
      Fields f, String key, List<String> allowed, Function<Fields, Optional<T>> item) {
    Optional<YamlList> list = f.list(key);
    if (list.isEmpty()) {
      return List.of();
    }
    if (list.get().items().isEmpty()) {
      f.problem(
          key,
          key.equals("allow")
              ? "must list at least one window; leave the key out to allow any time not denied"
              : "must list at least one entry; leave the key out to deny no date");
      return List.of();
    }
    List<T> read = new ArrayList<>();
    for (int i = 0; i < list.get().items().size(); i++) {
      Fields.open(list.get().items().get(i), KeyPath.item(f.path(key), i), problems, allowed)
          .flatMap(item)
          .ifPresent(read::add);
    }
    return List.copyOf(read);
  }

  /** One allow window; it must be longer than the cutoff, or no host could ever start in it. */
  private Optional<Windows.Allow> allow(Fields f, Duration cutoff) {
    List<DayOfWeek> days = f.has("days") ? days(f) : List.of(DayOfWeek.values());
    Optional<LocalTime> from = time(f, "from");
    Optional<LocalTime> to = time(f, "to");
    if (from.isEmpty() || to.isEmpty() || days.isEmpty()) {
      return Optional.empty();
    }
    Windows.Allow allow = new Windows.Allow(days, from.get(), to.get());
    if (!cutoff.isZero() && allow.length().compareTo(cutoff) <= 0) {
      problems.add(
          f.map().position(),
          f.path(),
          "is "
              + DurationText.format(allow.length())
              + " long, not longer than the cutoff of "
              + DurationText.format(cutoff)
              + ": no host could start in it");
    }
    return Optional.of(allow);
  }

  private List<DayOfWeek> days(Fields f) {
    return scalars(
            f,
            "days",
            "must list at least one day; leave the key out for every day",
            text ->
                Optional.of(DAYS.indexOf(text)).filter(i -> i >= 0).map(i -> DayOfWeek.values()[i]),
            (item, text) ->
                "must be one of "
                    + String.join(", ", DAYS)
                    + ", got "
                    + item.describe()
                    + DidYouMean.hint(text.toLowerCase(Locale.ROOT), DAYS))
        .map(days -> days.stream().distinct().toList())
        .orElse(List.of());
  }

  /**
   * The list under {@code key}, each item a string that {@code parse} reads; an empty list is
   * {@code empty}, an item it cannot read is {@code wrong}'s message, and either makes it empty.
   */
  private <T> Optional<List<T>> scalars(
      Fields f,
      String key,
      String empty,
      Function<String, Optional<T>> parse,
      BiFunction<YamlNode, String, String> wrong) {
    Optional<YamlList> list = f.list(key);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    if (list.get().items().isEmpty()) {
      f.problem(key, empty);
      return Optional.empty();
    }
    List<T> read = new ArrayList<>();
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode item = list.get().items().get(i);
      String text = item instanceof YamlScalar s ? s.text() : "";
      Optional<T> value =
          item instanceof YamlScalar s && s.kind() == YamlScalar.Kind.STRING
              ? parse.apply(text)
              : Optional.empty();
      value.ifPresent(read::add);
      if (value.isEmpty()) {
        problems.add(item.position(), KeyPath.item(f.path(key), i), wrong.apply(item, text));
      }
    }
    return read.size() == list.get().items().size() ? Optional.of(read) : Optional.empty();
  }

  private static Optional<LocalTime> time(Fields f, String key) {
    Optional<String> text = f.string(key, true);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if (!TIME.matcher(text.get()).matches()) {
      f.problem(
          key,
          "must be a wall-clock time \"HH:MM\" from 00:00 to 23:59, got \"" + text.get() + "\"");
      return Optional.empty();
    }
    return Optional.of(LocalTime.parse(text.get()));
  }

  private Optional<Windows.Deny> deny(Fields f) {
    if (!f.has("dates")) {
      f.missing("dates");
    }
    return scalars(
            f,
            "dates",
            "must list at least one date",
            WindowsReader::date,
            (item, text) -> "must be a date \"YYYY-MM-DD\", got " + item.describe())
        .map(Windows.Deny::new);
  }

  private static Optional<LocalDate> date(String text) {
    if (!DATE.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDate.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}

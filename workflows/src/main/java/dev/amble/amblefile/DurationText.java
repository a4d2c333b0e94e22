package dev.amble.amblefile;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: {@code 90s}, {@code 45m}, {@code 2h}, {@code 1h30m}, {@code
 * 1d}.
 */
public final class DurationText {
  private static final Pattern PART = Pattern.compile("(\\d+)([smhd])");

  private DurationText() {}

  public static Optional<Duration> parse(String text) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(text);
    // Part after part to the end (a regular expression of the whole text recurses once per part).
    for (int end = 0; end < text.length(); end = part.end()) {
      if (!part.region(end, text.length()).lookingAt()) {
        return Optional.empty();
      }
      try {
        long n = Long.parseLong(part.group(1));
        total =
            total.plus(
                switch (part.group(2)) {
                  case "s" -> Duration.ofSeconds(n);
                  case "m" -> Duration.ofMinutes(n);
                  case "h" -> Duration.ofHours(n);
                  default -> Duration.ofDays(n);
                });
      } catch (NumberFormatException | ArithmeticException e) {
        // Too long for a Duration (292 billion years): not a duration an operator means.
        return Optional.empty();
      }
    }
    return Optional.of(total);
  }

  /** The shortest text that parses back to the duration. */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long s = d.getSeconds();
    long[] sizes = {86400, 3600, 60, 1};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < sizes.length; i++) {
      if (s >= sizes[i]) {
        out.append(s / sizes[i]).append(units[i]);
        s %= sizes[i];
      }
    }
    return out.toString();
  }
}

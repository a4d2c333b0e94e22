package dev.amble.ansible;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ansible's own report of an error that stopped a run before or outside any task (a role not found,
 * a YAML error, an undefined variable in an import), read from the run's log: its error line, where
 * (FILE:LINE:COL), and the lines of the file it showed. ansible-core 2.19 prints
 *
 * <pre>
 * [ERROR]: the role 'motd' was not found in ...
 * Origin: /srv/ops/site.yml:4:7
 *
 * 3   roles:
 * 4     - motd
 *         ^ column 7
 * </pre>
 *
 * and older ones {@code ERROR! ...} with "The error appears to be in 'FILE': line L, column C" and
 * "The offending line appears to be:".
 *
 * @param line Ansible's error line, as it printed it
 * @param origin {@code FILE:LINE:COL}, or empty when Ansible named no place
 * @param excerpt the lines of the file around the error, with the column marker
 */
public record AnsibleError(String line, String origin, List<String> excerpt) {
  static final int MAX_LINE = 1000;
  static final int MAX_EXCERPT = 8;
  static final int MAX_EXCERPT_LINE = 200;

  private static final Pattern OLD_ORIGIN =
      Pattern.compile("The error appears to be in '(.+)': line (\\d+), column (\\d+)");

  /** How far after the error line its origin may come (after a repeated message). */
  private static final int ORIGIN_WITHIN = 6;

  /** The first error Ansible reported in the log; empty when there is none (or no log). */
  public static Optional<AnsibleError> in(Path log) {
    try {
      return in(Files.readAllLines(log, StandardCharsets.UTF_8));
    } catch (IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  static Optional<AnsibleError> in(List<String> lines) {
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.startsWith("[ERROR]: ")) {
        return Optional.of(current(lines, i));
      }
      if (l.startsWith("ERROR! ")) {
        return Optional.of(older(lines, i));
      }
    }
    return Optional.empty();
  }

  /** ansible-core 2.19: {@code Origin: FILE:LINE:COL}, a blank line, the excerpt. */
  private static AnsibleError current(List<String> lines, int at) {
    for (int i = at + 1; i < Math.min(lines.size(), at + 1 + ORIGIN_WITHIN); i++) {
      String l = lines.get(i);
      if (l.startsWith("[ERROR]") || l.startsWith("[WARNING]")) {
        break;
      }
      if (l.startsWith("Origin: ")) {
        return new AnsibleError(
            cut(lines.get(at), MAX_LINE),
            l.substring("Origin: ".length()).strip(),
            block(lines, i + 1));
      }
    }
    return new AnsibleError(cut(lines.get(at), MAX_LINE), "", List.of());
  }

  /** ansible-core up to 2.18: where in a sentence, the excerpt after "The offending line...". */
  private static AnsibleError older(List<String> lines, int at) {
    String origin = "";
    for (int i = at + 1; i < Math.min(lines.size(), at + 12); i++) {
      Matcher m = OLD_ORIGIN.matcher(lines.get(i));
      if (m.find()) {
        origin = m.group(1) + ":" + m.group(2) + ":" + m.group(3);
      }
      if (lines.get(i).startsWith("The offending line appears to be:")) {
        return new AnsibleError(cut(lines.get(at), MAX_LINE), origin, block(lines, i + 1));
      }
    }
    return new AnsibleError(cut(lines.get(at), MAX_LINE), origin, List.of());
  }

  /** The lines from {@code from}, blank ones before skipped, up to the next blank line. */
  private static List<String> block(List<String> lines, int from) {
    int i = from;
    while (i < lines.size() && lines.get(i).isBlank()) {
      i++;
    }
    List<String> block = new ArrayList<>();
    for (; i < lines.size() && !lines.get(i).isBlank() && block.size() < MAX_EXCERPT; i++) {
      String l = lines.get(i);
      if (l.startsWith("[ERROR]") || l.startsWith("[WARNING]") || l.startsWith("# amble:")) {
        break;
      }
      block.add(cut(l.stripTrailing(), MAX_EXCERPT_LINE));
    }
    return List.copyOf(block);
  }

  private static String cut(String s, int most) {
    return s.length() <= most ? s : s.substring(0, most - 1) + "…";
  }

  /**
   * Why a run failed, for a message: Ansible's own error first (with where and the excerpt), then
   * {@code what} amble saw (an exit code) and the log. An error that names no place (ansible-
   * inventory's "No inventory was parsed") is followed by the log's last lines, whose warnings say
   * more; without an error in the log, {@code what} and the log's last lines.
   */
  public static String explain(String what, Path log) {
    return in(log)
        .map(
            e ->
                e.origin().isEmpty() && e.excerpt().isEmpty()
                    ? e.line() + " (" + what + "): " + LogTail.lastLines(log, 3, e.line())
                    : e.oneLine() + " (" + what + "; log: " + log + ")")
        .orElseGet(() -> what + ": " + LogTail.lastLines(log, 3));
  }

  /** The error, {@code Origin: FILE:LINE:COL} and the excerpt, on one line, " | " between. */
  public String oneLine() {
    StringBuilder s = new StringBuilder(line);
    if (!origin.isEmpty()) {
      s.append(" | Origin: ").append(origin);
    }
    excerpt.forEach(l -> s.append(" | ").append(l));
    return s.toString();
  }
}

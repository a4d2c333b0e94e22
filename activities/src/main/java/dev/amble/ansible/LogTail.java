package dev.amble.ansible;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a log, for error messages that point at the whole log. */
final class LogTail {
  private LogTail() {}

  static String lastLines(Path log, int count) {
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank() && !l.startsWith("# amble:"))
              .toList();
      String tail =
          String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
      return tail + " (log: " + log + ")";
    } catch (IOException e) {
      return "(see " + log + ")";
    }
  }
}

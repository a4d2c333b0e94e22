package dev.amble.ansible;

import dev.amble.host.RunResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/** The end of a log: for error messages that point at the whole log, and for history. */
final class LogTail {
  /** How far back from a log's end the last lines are looked for. */
  private static final int READ_BACK = 64 * 1024;

  static final int MAX_LINES = 40;
  static final int MAX_LINE = 400;

  /** The line ProcessRunner starts each run's output with: when, and the command. */
  private static final Pattern RUN_HEADER = Pattern.compile("^# amble: \\d{4}-\\d\\d-\\d\\dT.*");

  private LogTail() {}

  static String lastLines(Path log, int count) {
    return lastLines(log, count, "");
  }

  /** The log's last lines but {@code without} (a line already said), with the log's path. */
  static String lastLines(Path log, int count, String without) {
    try {
      List<String> lines =
          Files.readAllLines(log, StandardCharsets.UTF_8).stream()
              .filter(l -> !l.isBlank() && !l.startsWith("# amble:") && !l.equals(without))
              .toList();
      String tail =
          String.join(" | ", lines.subList(Math.max(0, lines.size() - count), lines.size()));
      return tail + " (log: " + log + ")";
    } catch (IOException e) {
      return "(see " + log + ")";
    }
  }

  /**
   * The log's last non-blank lines, newest last: at most {@link #MAX_LINES} lines of at most {@link
   * #MAX_LINE} characters, {@link RunResult#TAIL_BYTES} bytes in all. They are what Ansible
   * printed, which hides a {@code no_log} task's result; with {@code hidden} (the run failed on
   * such a task) also without Ansible's error reports, which print the failure's message anyway
   * (ansible-core 2.19). Empty when the log cannot be read.
   */
  static List<String> tail(Path log, boolean hidden) {
    String text;
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long from = Math.max(0, file.length() - READ_BACK);
      byte[] bytes = new byte[(int) (file.length() - from)];
      file.seek(from);
      file.readFully(bytes);
      text = new String(bytes, StandardCharsets.UTF_8);
      if (from > 0) {
        text = text.substring(text.indexOf('\n') + 1); // the first line may be cut
      }
    } catch (IOException e) {
      return List.of();
    }
    Deque<String> kept = new ArrayDeque<>();
    int bytes = 0;
    List<String> lines = List.of(text.split("\n", -1));
    if (hidden) {
      lines = withoutErrorReports(lines);
    }
    for (int i = lines.size() - 1; i >= 0 && kept.size() < MAX_LINES; i--) {
      String line = lines.get(i).stripTrailing();
      if (line.isBlank() || RUN_HEADER.matcher(line).matches()) {
        continue;
      }
      if (line.length() > MAX_LINE) {
        line = line.substring(0, MAX_LINE - 1) + "…";
      }
      int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
      if (bytes + size > RunResult.TAIL_BYTES) {
        break;
      }
      bytes += size;
      kept.addFirst(line);
    }
    return List.copyOf(kept);
  }

  /** Lines that begin what Ansible prints of a play: they end an error report. */
  private static final Pattern NEXT_OUTPUT =
      Pattern.compile(
          "^(fatal: |failed: |ok: |changed: |skipping: |TASK \\[|PLAY |RUNNING HANDLER"
              + "|NO MORE HOSTS|\\.\\.\\.ignoring|\\[WARNING\\]|\\[DEPRECATION WARNING\\]).*");

  /** The lines without Ansible's {@code [ERROR]:} reports: each up to the next play output. */
  private static List<String> withoutErrorReports(List<String> lines) {
    List<String> kept = new ArrayList<>();
    boolean inReport = false;
    for (String line : lines) {
      if (line.startsWith("[ERROR]")) {
        inReport = true;
      } else if (NEXT_OUTPUT.matcher(line).matches()) {
        inReport = false;
      }
      if (!inReport) {
        kept.add(line);
      }
    }
    return kept;
  }
}

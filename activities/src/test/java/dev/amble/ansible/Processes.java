package dev.amble.ansible;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * This machine's processes, from /proc, for tests that check what runs and with which arguments.
 */
public final class Processes {
  private Processes() {}

  /** The argument lists of every process now, each joined with spaces. */
  public static List<String> commandLines() {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
          lines.add(new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').trim());
        } catch (IOException gone) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return lines;
  }

  /**
   * Seconds for {@code sleep} (a little over ten minutes) that no other process on the machine
   * sleeps: the random fraction is a sentinel, so that a test counts its own sleep and not those of
   * another test, another build or anything else that runs {@code sleep 600}.
   */
  public static String uniqueSleepSeconds() {
    return String.format("600.%012d", ThreadLocalRandom.current().nextLong(1_000_000_000_000L));
  }

  public static long count(String exactCommandLine) {
    return commandLines().stream().filter(exactCommandLine::equals).count();
  }

  /** Waits until no process has this command line; returns the milliseconds it took. */
  public static long awaitGone(String exactCommandLine, long timeoutMillis)
      throws InterruptedException {
    long start = System.currentTimeMillis();
    while (count(exactCommandLine) > 0) {
      if (System.currentTimeMillis() - start > timeoutMillis) {
        return -1;
      }
      Thread.sleep(50);
    }
    return System.currentTimeMillis() - start;
  }
}

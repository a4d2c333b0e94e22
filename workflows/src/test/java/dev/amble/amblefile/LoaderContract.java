package dev.amble.amblefile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the loader promises for any text at all, as the CLI needs it: either an {@link Amblefile}
 * whose workspaces all give a definition, or an {@link AmblefileException} whose report is one
 * {@code FILE:LINE:COL: path: message} line per problem (the CLI prints it and exits 2). Anything
 * else (another exception, which the CLI prints as a bug and exits 4; an error such as running out
 * of memory or stack; no answer within the time limit) breaks the contract.
 */
final class LoaderContract {
  /** Where the inputs are loaded as if they were: relative paths resolve in the valid corpus. */
  static final Path FOLDER = Path.of("src/test/resources/amblefiles/valid").toAbsolutePath();

  static final String SHOWN_AS = "Amblefile.yml";

  /**
   * The loader's own CPU time, far longer than any input takes (milliseconds), short enough that a
   * loop ends the test. CPU time, not time on the clock: a busy machine slows the loader down
   * without making it spend more.
   */
  static final Duration TIME_LIMIT = Duration.ofSeconds(10);

  /** Time on the clock after which a loader that spends no CPU (it waits forever) has hung. */
  static final Duration WAIT_LIMIT = Duration.ofMinutes(2);

  /** The inputs kept in {@code folder}: its {@code .yml} files, in name order. */
  static Stream<Path> inputs(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(p -> p.toString().endsWith(".yml")).sorted().toList().stream();
    }
  }

  private static final Pattern PROBLEM_LINE =
      Pattern.compile(Pattern.quote(SHOWN_AS) + ":(\\d+):(\\d+): \\S.*");

  /**
   * The loader runs on a daemon thread, so that an input that hangs cannot hang the JVM; a thread
   * that hung is left behind and the next input gets a new one.
   */
  private static ExecutorService loader = newLoader();

  private static ExecutorService newLoader() {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "fuzzed-loader");
          t.setDaemon(true);
          return t;
        });
  }

  private LoaderContract() {}

  /** Loads {@code text}; throws {@link AssertionError} saying how it broke the contract. */
  static void check(String text) {
    check(text, LoaderContract::load, TIME_LIMIT, WAIT_LIMIT);
  }

  /** {@link #check(String)} with another loader and limits (to test the limits themselves). */
  static synchronized void check(
      String text, Function<String, String> load, Duration cpuLimit, Duration waitLimit) {
    // The loader's thread serves every check: its CPU time counts from this load's start.
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    AtomicLong thread = new AtomicLong(-1);
    AtomicLong cpuAtStart = new AtomicLong();
    Future<String> outcome =
        loader.submit(
            () -> {
              cpuAtStart.set(threads.getCurrentThreadCpuTime());
              thread.set(Thread.currentThread().getId());
              return load.apply(text);
            });
    long deadline = System.nanoTime() + waitLimit.toNanos();
    try {
      while (true) {
        try {
          String broken = outcome.get(100, TimeUnit.MILLISECONDS);
          if (broken != null) {
            throw new AssertionError(broken + "\n--- input:\n" + excerpt(text));
          }
          return;
        } catch (TimeoutException e) {
          long cpu =
              thread.get() < 0 ? 0 : threads.getThreadCpuTime(thread.get()) - cpuAtStart.get();
          if (cpu > cpuLimit.toNanos() || System.nanoTime() > deadline) {
            outcome.cancel(true);
            loader.shutdownNow();
            loader = newLoader();
            throw new AssertionError(
                "no answer after "
                    + cpuLimit.toMillis()
                    + " ms of the loader's CPU time (or "
                    + waitLimit.toMillis()
                    + " ms on the clock)\n--- input:\n"
                    + excerpt(text),
                e);
          }
        }
      }
    } catch (ExecutionException e) {
      throw new AssertionError(
          "the loader threw "
              + e.getCause()
              + " (exit 4 from the CLI)\n--- input:\n"
              + excerpt(text),
          e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** Null when the outcome keeps the contract, else what is wrong with it. */
  private static String load(String text) {
    Amblefile amblefile;
    try {
      amblefile = AmblefileLoader.parse(FOLDER.resolve(SHOWN_AS), SHOWN_AS, text);
    } catch (AmblefileException e) {
      return wellFormed(e, text);
    }
    // What the CLI does next with a valid file: a workspace's definition and its steps.
    for (String workspace : amblefile.workspaces().keySet()) {
      Definition d = amblefile.definition(workspace);
      d.steps();
      d.exitSteps();
    }
    return null;
  }

  private static String wellFormed(AmblefileException e, String text) {
    if (e.problems().isEmpty()) {
      return "refused without a problem";
    }
    long lines = text.chars().filter(c -> c == '\n').count() + 1;
    String report = e.report();
    for (String line : report.stripTrailing().split("\n", -1)) {
      Matcher m = PROBLEM_LINE.matcher(line);
      if (!m.matches()) {
        return "a report line is not FILE:LINE:COL: message: " + excerpt(line) + "\n" + report;
      }
      long l = Long.parseLong(m.group(1));
      long c = Long.parseLong(m.group(2));
      if (l < 1 || l > lines + 1 || c < 1) {
        return "a problem outside the file (" + lines + " lines): " + excerpt(line);
      }
    }
    return null;
  }

  /** Long inputs are shown by their start and end. */
  static String excerpt(String text) {
    return text.length() <= 2000
        ? text
        : text.substring(0, 1000)
            + "\n[... "
            + (text.length() - 2000)
            + " characters ...]\n"
            + text.substring(text.length() - 1000);
  }
}

package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Amount;
import dev.amble.amblefile.SortOrder;
import dev.amble.amblefile.Strategy;
import dev.amble.amblefile.Strategy.Unreachable.Policy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What run's (and check's) strategy options make of the workspace's strategy; nothing starts. */
class RolloutOptionsTest {
  @TempDir Path dir;

  static final String RETRYING =
      TemporalTroubleCliTest.AMBLEFILE.replace(
          "inventory: inventory.yml }",
          "inventory: inventory.yml, unreachable: retry, unreachable_attempts: 2, unreachable_backoff: 10s }");

  Strategy.Unreachable unreachable(String amblefile, String... args) throws Exception {
    TemporalTroubleCliTest.amblefile(dir, amblefile);
    RunCommand run = new RunCommand();
    new CommandLine(run).parseArgs(args);
    var given =
        AmblefileLoader.load(dir.resolve("Amblefile.yml"), "Amblefile.yml").definition("fleet");
    return run.options.definition(given).workspace().strategy().unreachable();
  }

  @Test
  void unreachableRetriesAreOverriddenKeyByKey() throws Exception {
    assertEquals(
        new Strategy.Unreachable(Policy.RETRY, 5, Duration.ofMinutes(1)),
        unreachable(
            TemporalTroubleCliTest.AMBLEFILE,
            "--unreachable",
            "retry",
            "--unreachable-attempts",
            "5",
            "--unreachable-backoff",
            "1m"));
    assertEquals(
        new Strategy.Unreachable(Policy.RETRY, 7, Duration.ofSeconds(10)),
        unreachable(RETRYING, "--unreachable-attempts", "7"));
    assertEquals(
        new Strategy.Unreachable(Policy.RETRY, 2, Duration.ofSeconds(90)),
        unreachable(RETRYING, "--unreachable-backoff", "90s"));
    assertEquals(
        new Strategy.Unreachable(Policy.RETRY, 2, Duration.ofSeconds(10)), unreachable(RETRYING));
  }

  @Test
  void retriesWithoutRetryAreBadInput() throws Exception {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CliRun attempts = CliRun.run(dir, "run", "--unreachable-attempts", "2");
    assertEquals(2, attempts.code(), attempts.toString());
    assertEquals(
        "amble: --unreachable-attempts: only goes with unreachable retry, and this rollout's is fail\n",
        attempts.err());

    TemporalTroubleCliTest.amblefile(dir, RETRYING);
    CliRun skip = CliRun.run(dir, "check", "--unreachable", "skip", "--unreachable-backoff", "1m");
    assertEquals(2, skip.code(), skip.toString());
    assertEquals(
        "amble: --unreachable-backoff: only goes with unreachable retry, and this rollout's is skip\n",
        skip.err());

    CliRun range = CliRun.run(dir, "run", "--unreachable-attempts", "0");
    assertEquals("amble: --unreachable-attempts: must be from 1 to 100, got 0\n", range.err());
    CliRun duration = CliRun.run(dir, "run", "--unreachable-backoff", "soon");
    assertEquals(
        "amble: --unreachable-backoff: must be a duration such as 90s, 45m, 2h or 1h30m, got \"soon\"\n",
        duration.err());
  }

  /** The message an Amblefile with {@code key: value} in workspace fleet gets, after its path. */
  String amblefileMessage(String key, String value) throws Exception {
    TemporalTroubleCliTest.amblefile(
        dir,
        TemporalTroubleCliTest.AMBLEFILE.replace(
            "inventory: inventory.yml }",
            "inventory: inventory.yml, " + key + ": " + value + " }"));
    CliRun run = CliRun.run(dir, "check");
    assertEquals(2, run.code(), run.toString());
    String path = "workspaces.fleet." + key;
    assertTrue(run.err().contains(path), run.err());
    String problem = run.err().substring(run.err().indexOf(path));
    return problem.substring(problem.indexOf(": ") + 2);
  }

  @Test
  void aBadValueGetsTheAmblefilesMessageFromItsOption() throws Exception {
    String[][] cases = {
      {"max_failures", "3x"},
      {"max_failures_per_wave", "-1"},
      {"concurrency", "0"},
      {"concurrency", "lots"},
      {"sort_order", "ascendng"},
      {"unreachable", "ignore"},
      {"bake_time", "soon"},
      {"waves", "0"},
    };
    for (String[] c : cases) {
      String message =
          amblefileMessage(c[0], c[1].equals("0") && c[0].equals("waves") ? "[0]" : c[1]);
      TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
      String option = "--" + c[0].replace('_', '-');
      for (String command : new String[] {"run", "check"}) {
        CliRun run = CliRun.run(dir, command, option, c[1]);
        assertEquals(2, run.code(), run.toString());
        assertEquals("amble: " + option + ": " + message, run.err(), String.join(" ", c));
      }
    }
    assertEquals(
        "must be a number of hosts or a percentage like \"10%\", got a string (\"3x\")\n",
        amblefileMessage("max_failures", "3x"));
  }

  @Test
  void theOptionsOverrideWhatTheAmblefileSays() throws Exception {
    TemporalTroubleCliTest.amblefile(
        dir,
        TemporalTroubleCliTest.AMBLEFILE.replace(
            "inventory: inventory.yml }",
            "inventory: inventory.yml, sort_order: ascending, concurrency: 2, waves: [1, 50%],"
                + " max_failures: 1, bake_time: 5m }"));
    RunCommand run = new RunCommand();
    new CommandLine(run)
        .parseArgs(
            "-s", "descending", "--concurrency", "9", "--max-failures", "10%", "--waves", "2,25%");
    var given =
        AmblefileLoader.load(dir.resolve("Amblefile.yml"), "Amblefile.yml").definition("fleet");
    var w = run.options.definition(given).workspace();
    assertEquals(SortOrder.DESCENDING, w.sortOrder());
    assertEquals(9, w.concurrency());
    assertEquals(Amount.percent(10), w.strategy().maxFailures());
    assertEquals(List.of(Amount.count(2), Amount.percent(25)), w.strategy().waves());
    assertEquals(Duration.ofMinutes(5), w.strategy().bakeTime());
  }
}

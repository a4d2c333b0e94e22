package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What run's (and check's) strategy options make of the workspace's strategy; nothing starts. */
public class RolloutOptionsTest {
  @TempDir Path dir;

  public static final String RETRYING =
      TemporalTroubleCliTest.AMBLEFILE.replace(
          "inventory: inventory.yml }",
          "inventory: inventory.yml, unreachable: retry, unreachable_attempts: 2, unreachable_backoff: 10s }");

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
}

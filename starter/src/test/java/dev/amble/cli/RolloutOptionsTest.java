package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Strategy;
import dev.amble.amblefile.Strategy.Unreachable.Policy;
import java.nio.file.Path;
import java.time.Duration;
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
    var given = AmblefileLoader.load(dir.resolve("Amblefile.yml"), "Amblefile.yml").definition("fleet");
    return run.rollout.definition(given).workspace().strategy().unreachable();
  }

  @Test
  void unreachableRetriesAreOverriddenKeyByKey() throws Exception {
    assertEquals(
        new Strategy.Unreachable(Policy.RETRY, 5, Duration.ofMinutes(1)),
        unreachable(TemporalTroubleCliTest.AMBLEFILE, "--unreachable", "retry", "--unreachable-attempts", "5", "--unreachable-backoff", "1m"));
    assertEquals(new Strategy.Unreachable(Policy.RETRY, 7, Duration.ofSeconds(10)), unreachable(RETRYING, "--unreachable-attempts", "7"));
    assertEquals(new Strategy.Unreachable(Policy.RETRY, 2, Duration.ofSeconds(90)), unreachable(RETRYING, "--unreachable-backoff", "90s"));
    assertEquals(new Strategy.Unreachable(Policy.RETRY, 2, Duration.ofSeconds(10)), unreachable(RETRYING));
  }

  @Test
  void retriesWithoutRetryAreBadInput() throws Exception {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CliRun attempts = CliRun.run(dir, "run", "--unreachable-attempts", "2");
    assertEquals(2, attempts.code(), attempts.toString());
    assertEquals(
        "amble: --unreachable-attempts only goes with unreachable retry, and this rollout's is fail: add --unreachable retry\n",
        attempts.err());

    TemporalTroubleCliTest.amblefile(dir, RETRYING);
    CliRun skip = CliRun.run(dir, "check", "--unreachable", "skip", "--unreachable-backoff", "1m");
    assertEquals(2, skip.code(), skip.toString());
    assertEquals(
        "amble: --unreachable-backoff only goes with unreachable retry, and this rollout's is skip: add --unreachable retry\n",
        skip.err());

    CliRun range = CliRun.run(dir, "run", "--unreachable-attempts", "0");
    assertEquals("amble: --unreachable-attempts must be from 1 to 100, got 0\n", range.err());
    CliRun duration = CliRun.run(dir, "run", "--unreachable-backoff", "soon");
    assertEquals("amble: --unreachable-backoff: \"soon\" is not a duration like 90s, 10m or 1h30m\n", duration.err());
  }
}

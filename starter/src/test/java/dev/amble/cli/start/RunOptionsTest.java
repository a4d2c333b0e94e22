package dev.amble.cli.start;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Amount;
import dev.amble.amblefile.SortOrder;
import dev.amble.amblefile.Strategy;
import dev.amble.amblefile.Strategy.Unreachable.Policy;
import dev.amble.cli.RolloutOptionsTest;
import dev.amble.cli.TemporalTroubleCliTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What run's (and check's) strategy options make of the workspace's strategy, parsed only. */
class RunOptionsTest {
  @TempDir Path dir;

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
        unreachable(RolloutOptionsTest.RETRYING, "--unreachable-attempts", "7"));
    assertEquals(
        new Strategy.Unreachable(Policy.RETRY, 2, Duration.ofSeconds(90)),
        unreachable(RolloutOptionsTest.RETRYING, "--unreachable-backoff", "90s"));
    assertEquals(
        new Strategy.Unreachable(Policy.RETRY, 2, Duration.ofSeconds(10)),
        unreachable(RolloutOptionsTest.RETRYING));
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

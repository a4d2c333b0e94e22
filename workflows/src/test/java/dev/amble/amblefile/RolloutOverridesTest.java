package dev.amble.amblefile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Run overrides are read by the Amblefile's rules: same values, same messages. */
class RolloutOverridesTest {
  @TempDir Path dir;

  static final String AMBLEFILE =
      """
      workspaces:
        prod:
          host_pattern: web
          workflow: upgrade
          %s
      workflows:
        upgrade:
          jobs:
            - job: patch
      jobs:
        patch:
          tasks:
            - ansible.builtin.ping:
      """;

  Definition load(String workspaceKeys) throws Exception {
    Files.writeString(dir.resolve("Amblefile.yml"), AMBLEFILE.formatted(workspaceKeys));
    return AmblefileLoader.load(dir.resolve("Amblefile.yml"), "Amblefile.yml").definition("prod");
  }

  /** The message the Amblefile gives for the key, without its FILE:LINE:COL: workspaces.prod. */
  String amblefileMessage(String key, String value) {
    AmblefileException e = assertThrows(AmblefileException.class, () -> load(key + ": " + value));
    assertEquals(1, e.problems().size(), e.report());
    return e.problems().get(0).message();
  }

  String overrideProblem(RolloutOverrides o) throws Exception {
    Definition d = load("bake_time: 0s");
    OverrideException e = assertThrows(OverrideException.class, () -> o.applyTo(d));
    assertEquals(1, e.problems().size(), e.getMessage());
    return e.problems().get(0);
  }

  /** Overrides of the Amblefile keys named, as the options write them (waves: "1,5,10%"). */
  static RolloutOverrides of(Map<String, String> given) {
    return RolloutOverrides.ofKeys(given);
  }

  @Test
  void aBadValueGetsTheSameMessageFromTheOptionAndTheKey() throws Exception {
    for (String bad : List.of("3x", "-1", "150%")) {
      assertEquals(
          "--max-failures: " + amblefileMessage("max_failures", bad),
          overrideProblem(of(Map.of("max_failures", bad))),
          bad);
    }
    assertEquals(
        "--max-failures: must be a number of hosts or a percentage like \"10%\", got a string (\"3x\")",
        overrideProblem(of(Map.of("max_failures", "3x"))));
    RolloutOverrides sort =
        of(
            Map.of(
                "sort_order", "ascendng",
                "concurrency", "0",
                "waves", "1,0",
                "pause_between_waves", "soonish",
                "unreachable", "ignore"));
    Definition d = load("bake_time: 0s");
    OverrideException e = assertThrows(OverrideException.class, () -> sort.applyTo(d));
    assertEquals(
        List.of(
            "--sort-order: " + amblefileMessage("sort_order", "ascendng"),
            "--concurrency: " + amblefileMessage("concurrency", "0"),
            "--waves: " + amblefileMessage("waves", "[1, 0]"),
            "--pause-between-waves: " + amblefileMessage("pause_between_waves", "soonish"),
            "--unreachable: " + amblefileMessage("unreachable", "ignore")),
        e.problems());
  }

  @Test
  void overridesReplaceTheKeysTheyNameAndKeepTheOthers() throws Exception {
    Definition d =
        load(
            String.join(
                "\n    ",
                "sort_order: ascending",
                "concurrency: 3",
                "waves: [1, 10%]",
                "max_failures: 2",
                "unreachable: retry",
                "unreachable_attempts: 2",
                "unreachable_backoff: 10s"));
    RolloutOverrides o =
        of(
            Map.of(
                "sort_order", "descending",
                "concurrency", "7",
                "pause_between_waves", "manual",
                "max_failures", "5%",
                "unreachable_attempts", "9"));
    WorkspaceSpec w = o.applyTo(d).workspace();
    assertEquals(SortOrder.DESCENDING, w.sortOrder());
    assertEquals(7, w.concurrency());
    assertEquals(List.of(Amount.count(1), Amount.percent(10)), w.strategy().waves());
    assertEquals(true, w.strategy().manualPause());
    assertEquals(Amount.percent(5), w.strategy().maxFailures());
    assertEquals(
        new Strategy.Unreachable(Strategy.Unreachable.Policy.RETRY, 9, Duration.ofSeconds(10)),
        w.strategy().unreachable());
    assertEquals(d, RolloutOverrides.NONE.applyTo(d));
  }

  @Test
  void retriesGoOnlyWithRetryWhereverThePolicyComesFrom() throws Exception {
    RolloutOverrides attempts = of(Map.of("unreachable", "skip", "unreachable_attempts", "3"));
    assertEquals(
        "--unreachable-attempts: "
            + amblefileMessage("unreachable: skip\n    unreachable_attempts", "3"),
        overrideProblem(attempts));
  }
}

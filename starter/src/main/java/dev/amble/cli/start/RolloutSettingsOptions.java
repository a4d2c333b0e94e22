package dev.amble.cli.start;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.OverrideException;
import dev.amble.amblefile.RolloutOverrides;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.LimitOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Which hosts a rollout walks and how: overrides of the workspace's Amblefile keys (read by the
 * Amblefile's rules), the seed, and taking others' locks. What {@code amble run} and {@code amble
 * schedule create} share.
 */
final class RolloutSettingsOptions {
  @Mixin LimitOption limit = new LimitOption();

  @Option(
      names = {"-s", "--sort-order"},
      paramLabel = "ORDER",
      description = "shuffle, ascending or descending. Default: the workspace's sort_order.")
  String sortOrder;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Shuffle seed (see `amble plan --seed`). Default: random.")
  Long seed;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description = "Hosts in flight at once (1 to 1000). Default: the workspace's concurrency.")
  String concurrency;

  @Option(
      names = "--waves",
      paramLabel = "SIZES",
      split = ",",
      description =
          "Wave sizes, e.g. 1,5,10%%,25%%: a canary, then growing waves, the last size repeating. Default: the workspace's waves.")
  List<String> waves;

  @Option(
      names = "--pause-between-waves",
      paramLabel = "DURATION",
      description =
          "Wait between waves (90s, 10m, 1h), or `manual`: caught after each wave until released.")
  String pause;

  @Option(
      names = "--bake-time",
      paramLabel = "DURATION",
      description = "How long each finished wave bakes before its post-checks.")
  String bakeTime;

  @Option(
      names = "--max-failures",
      paramLabel = "N|P%",
      description =
          "Failed hosts tolerated (a count, or a percentage of the hosts to walk); one more catches the rollout. Default: the workspace's, 0.")
  String maxFailures;

  @Option(
      names = "--max-failures-per-wave",
      paramLabel = "N|P%",
      description = "The same, within each wave.")
  String maxFailuresPerWave;

  @Option(
      names = "--unreachable",
      paramLabel = "POLICY",
      description = "fail, skip or retry: how an unreachable host counts.")
  String unreachable;

  @Option(
      names = "--unreachable-attempts",
      paramLabel = "N",
      description =
          "With retry: how many more times an unreachable host is tried (1 to 100). Default: the workspace's, 3.")
  String unreachableAttempts;

  @Option(
      names = "--unreachable-backoff",
      paramLabel = "DURATION",
      description =
          "With retry: the wait before the first retry, doubling after each. Default: the workspace's, 30s.")
  String unreachableBackoff;

  @Option(
      names = "--stomp-locks",
      description =
          "Take hosts whose lock another workspace holds, of this project or another (a lock"
              + " names its holder WORKSPACE for project default, PROJECT/WORKSPACE otherwise).")
  boolean stompLocks;

  /** What the options override of the workspace's Amblefile keys, as written. */
  RolloutOverrides overrides() {
    return new RolloutOverrides(
        Optional.ofNullable(sortOrder),
        Optional.ofNullable(concurrency),
        Optional.ofNullable(waves).map(List::copyOf),
        Optional.ofNullable(pause),
        Optional.ofNullable(bakeTime),
        Optional.ofNullable(maxFailures),
        Optional.ofNullable(maxFailuresPerWave),
        Optional.ofNullable(unreachable),
        Optional.ofNullable(unreachableAttempts),
        Optional.ofNullable(unreachableBackoff));
  }

  /** The shuffle seed: --seed, else a random one. */
  long seed() {
    return seed != null ? seed : ThreadLocalRandom.current().nextLong();
  }

  /**
   * The workspace's definition with what the options override; bad options, and a workspace that
   * requires --limit without one, are bad input.
   */
  Definition definition(Definition given) {
    if (given.workspace().requireLimit() && limit.get().isEmpty()) {
      throw Exit.badInput(
          "amble: workspace "
              + given.workspace().name()
              + " requires --limit (require_limit: true): name the hosts to walk");
    }
    try {
      return overrides().applyTo(given);
    } catch (OverrideException e) {
      throw Exit.badInput(
          String.join("\n", e.problems().stream().map(p -> "amble: " + p).toList()));
    }
  }
}

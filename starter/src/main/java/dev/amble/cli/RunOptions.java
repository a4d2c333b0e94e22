package dev.amble.cli;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.OverrideException;
import dev.amble.amblefile.RunOverrides;
import dev.amble.rollout.RolloutRequest;
import dev.amble.worker.LocalTemporal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of run and check: which hosts, how (overrides of the workspace's Amblefile keys, read
 * by the Amblefile's rules), and how this command starts and follows the rollout.
 */
final class RunOptions {
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
          "Failed hosts tolerated (a count, or a percentage of the walked hosts); one more catches the rollout. Default: the workspace's, 0.")
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

  @Option(names = "--stomp-locks", description = "Take hosts whose lock another workspace holds.")
  boolean stompLocks;

  @Option(
      names = "--ignore-windows",
      description =
          "An emergency: hosts start outside the workspace's maintenance windows. The rollout's"
              + " history records it, and who ran it.")
  boolean ignoreWindows;

  @Option(
      names = "--detach",
      description = "Start the rollout and return at once; follow it with `amble status --watch`.")
  boolean detach;

  @Option(
      names = "--embedded",
      description =
          "Run Temporal's test server and a worker inside this command. For trying amble: nothing"
              + " survives the command.")
  boolean embedded;

  /** The help of --embedded-port, here and on {@code amble demo}. */
  static final String EMBEDDED_PORT_HELP =
      "The embedded server's port on 127.0.0.1 (0: any free port). Default: "
          + LocalTemporal.FRONTEND_PORT
          + ", else any free port when that is taken.";

  @Option(
      names = "--embedded-port",
      paramLabel = "PORT",
      description = EMBEDDED_PORT_HELP + " Only with --embedded.")
  Integer embeddedPort;

  @Option(
      names = "--heartbeat-timeout",
      paramLabel = "SECONDS",
      hidden = true,
      description = "How long a silent worker keeps its work before another takes it over.")
  Integer heartbeatSeconds;

  /** What the options override of the workspace's Amblefile keys, as written. */
  RunOverrides overrides() {
    return new RunOverrides(
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

  /** The workspace's definition with what the options override; bad options are bad input. */
  Definition definition(Definition given) {
    if (given.workspace().requireLimit() && limit.get().isEmpty()) {
      throw Exit.badInput(
          "amble: workspace "
              + given.workspace().name()
              + " requires --limit (require_limit: true): name the hosts to walk");
    }
    if (embeddedPort != null && !embedded) {
      throw Exit.badInput("amble: --embedded-port goes with --embedded");
    }
    if (detach && embedded) {
      throw Exit.badInput(
          "amble: --detach and --embedded do not go together: the embedded server ends with this command");
    }
    try {
      return overrides().applyTo(given);
    } catch (OverrideException e) {
      throw Exit.badInput(
          String.join("\n", e.problems().stream().map(p -> "amble: " + p).toList()));
    }
  }

  /** The --embedded-port, if given. */
  OptionalInt embeddedPort() {
    return embeddedPort == null ? OptionalInt.empty() : OptionalInt.of(embeddedPort);
  }

  /** How long a silent worker keeps its work: --heartbeat-timeout, else the default. */
  Duration heartbeatTimeout() {
    return heartbeatSeconds != null
        ? Duration.ofSeconds(heartbeatSeconds)
        : RolloutRequest.DEFAULT_HEARTBEAT_TIMEOUT;
  }

  /** The shuffle seed: --seed, else a random one. */
  long seed() {
    return seed != null ? seed : ThreadLocalRandom.current().nextLong();
  }
}

package dev.amble.cli.start;

import dev.amble.amblefile.Definition;
import dev.amble.cli.common.Exit;
import dev.amble.rollout.RolloutRequest;
import dev.amble.worker.LocalTemporal;
import java.time.Duration;
import java.util.OptionalInt;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of run and check: which hosts and how ({@link RolloutSettingsOptions}, which
 * schedules share), and how this command starts and follows the rollout.
 */
final class RunOptions {
  @Mixin RolloutSettingsOptions settings = new RolloutSettingsOptions();

  @Option(
      names = "--ignore-windows",
      description =
          "An emergency: hosts start outside the workspace's maintenance windows. The rollout's"
              + " history records it, and who ran it.")
  boolean ignoreWindows;

  @Option(
      names = "--no-local-syntax-check",
      description =
          "Leave Ansible's syntax check of the playbooks to the worker, which makes it at the"
              + " rollout's start before any host anyway: for roles or collections installed only on"
              + " the workers. Not with --embedded (this command is the worker).")
  boolean noLocalSyntaxCheck;

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

  /** The workspace's definition with what the options override; bad options are bad input. */
  Definition definition(Definition given) {
    if (embeddedPort != null && !embedded) {
      throw Exit.badInput("amble: --embedded-port goes with --embedded");
    }
    if (detach && embedded) {
      throw Exit.badInput(
          "amble: --detach and --embedded do not go together: the embedded server ends with this command");
    }
    return settings.definition(given);
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
}

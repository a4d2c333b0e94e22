package dev.amble.cli.steer;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.failure.Failures;
import dev.amble.rollout.HostSteering;
import dev.amble.rollout.RolloutStatus;
import io.temporal.client.WorkflowUpdateException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Steering one host of the running rollout: {@code amble retry} and {@code amble skip}. */
abstract class OneHostCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Parameters(
      index = "0",
      paramLabel = "HOST",
      description = "The host, as the inventory names it.")
  String host;

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why: recorded with who steered, in the rollout's steering log.")
  String reason;

  /** The update (or signal) this command sends. */
  abstract Steer<HostSteering> steer();

  /** What the rollout does until a worker applies the signal, when none runs. */
  abstract String meanwhile();

  /** What the command says once the rollout applied it. */
  abstract String done(String workspace, RolloutStatus status);

  @Override
  public Integer call() {
    try (SteeredRollout r = SteeredRollout.open(spec, workspace, temporal)) {
      HostSteering request =
          new HostSteering(host, Identity.operator(), reason == null ? "" : reason, r.firstRunId());
      Optional<RolloutStatus> answered;
      try {
        answered = r.send(steer(), request, meanwhile());
      } catch (WorkflowUpdateException e) {
        throw Exit.badInput("amble: refused: " + Failures.oneLine(e));
      }
      answered.ifPresent(s -> r.out.println(done(r.workspace, s)));
      return ExitCode.OK;
    }
  }
}

package dev.amble.cli.steer;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.failure.Failures;
import dev.amble.rollout.CatchRequest;
import dev.amble.rollout.RolloutStatus;
import io.temporal.client.WorkflowUpdateException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble catch}: pause the rollout before its next host. */
@Command(
    header = "Pauses the rollout before its next host.",
    name = "catch",
    mixinStandardHelpOptions = true,
    description = {
      "Catches the workspace's running rollout: no new host starts. Hosts already being walked finish"
          + " their walk (a job is never cut off half-way). Returns once the catch is in effect; when no"
          + " worker runs, it sends the catch as a signal, which takes effect when one starts.",
      "`amble release` resumes it. The Web UI can send the same as the signal `catch`.",
      ""
    })
public final class CatchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why: recorded with who caught it.")
  String reason;

  @Override
  public Integer call() {
    try (SteeredRollout r = SteeredRollout.open(spec, workspace, temporal)) {
      CatchRequest request =
          new CatchRequest(reason == null ? "" : reason, Identity.operator(), r.firstRunId());
      Optional<RolloutStatus> answered;
      try {
        answered = r.send(Steer.CATCH, request, " No new host starts until then either.");
      } catch (WorkflowUpdateException e) {
        throw Exit.badInput("amble: refused: " + Failures.oneLine(e));
      }
      if (answered.isEmpty()) {
        return ExitCode.OK;
      }
      RolloutStatus s = answered.get();
      r.out.printf(
          "Caught rollout of %s: no new host starts.%s%n",
          r.workspace,
          s.inProgress().isEmpty()
              ? ""
              : " Still finishing: " + String.join(", ", s.inProgress()) + ".");
      return ExitCode.OK;
    }
  }
}

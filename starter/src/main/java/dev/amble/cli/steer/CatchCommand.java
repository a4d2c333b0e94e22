package dev.amble.cli.steer;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.failure.Failures;
import dev.amble.rollout.CatchRequest;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutWorkflow;
import io.temporal.client.WorkflowUpdateException;
import java.io.PrintWriter;
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
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      Rollouts.Found found =
          Rollouts.requireRunning(session.client, amble.amblefile().project(), ws);
      Rollouts.sayIfOldId(found, amble.amblefile().project(), ws, spec.commandLine().getErr());
      CatchRequest request =
          new CatchRequest(
              reason == null ? "" : reason,
              Identity.operator(),
              Rollouts.firstRunId(session.client, found));
      RolloutWorkflow rollout = Rollouts.stub(session.client, found);
      Optional<RolloutStatus> answered;
      try {
        answered =
            Rollouts.updateOrSignal(
                session,
                found,
                ws,
                "Catch",
                " No new host starts until then either.",
                () -> rollout.catchSignal(request),
                () -> rollout.catchRollout(request),
                out,
                spec.commandLine().getErr());
      } catch (WorkflowUpdateException e) {
        throw Exit.badInput("amble: refused: " + Failures.oneLine(e));
      }
      if (answered.isEmpty()) {
        return ExitCode.OK;
      }
      RolloutStatus s = answered.get();
      out.printf(
          "Caught rollout of %s: no new host starts.%s%n",
          ws,
          s.inProgress().isEmpty()
              ? ""
              : " Still finishing: " + String.join(", ", s.inProgress()) + ".");
      return ExitCode.OK;
    }
  }
}

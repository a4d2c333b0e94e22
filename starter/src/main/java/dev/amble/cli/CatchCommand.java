package dev.amble.cli;

import dev.amble.rollout.CatchRequest;
import dev.amble.rollout.RolloutStatus;
import io.temporal.client.WorkflowUpdateException;
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
          + " their walk (a job is never cut off half-way). Returns once the catch is in effect.",
      "`amble release` resumes it. The Web UI can send the same as the signal `catch`.",
      ""
    })
final class CatchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(names = {"-r", "--reason"}, paramLabel = "TEXT", description = "Why: recorded with who caught it.")
  String reason;

  @Override
  public Integer call() {
    Amble amble = Amble.of(spec);
    String ws = amble.workspace(workspace.get());
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      Rollouts.requireRunning(session.client, ws);
      RolloutStatus s;
      try {
        s = Rollouts.stub(session.client, ws).catchRollout(new CatchRequest(reason == null ? "" : reason, Identity.operator()));
      } catch (WorkflowUpdateException e) {
        throw Exit.badInput("amble: refused: " + RolloutsErrors.message(e));
      }
      spec.commandLine().getOut().printf(
          "Caught rollout of %s: no new host starts.%s%n",
          ws,
          s.inProgress().isEmpty() ? "" : " Still finishing: " + String.join(", ", s.inProgress()) + ".");
      return ExitCode.OK;
    }
  }
}

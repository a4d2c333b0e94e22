package dev.amble.cli;

import dev.amble.rollout.ReleaseRequest;
import dev.amble.rollout.RolloutStatus;
import io.temporal.client.WorkflowUpdateException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble release}: resume a caught rollout. */
@Command(
    header = "Resumes a caught rollout.",
    name = "release",
    mixinStandardHelpOptions = true,
    description = {
      "Releases the workspace's caught rollout. Hosts that failed are walked again first, unless"
          + " --skip-failed leaves them failed and moves on. Refused when the rollout is not caught.",
      ""
    })
final class ReleaseCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(names = "--skip-failed", description = "Leave the failed hosts failed and go on with the others.")
  boolean skipFailed;

  @Override
  public Integer call() {
    Amble amble = Amble.of(spec);
    String ws = amble.workspace(workspace.get());
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      Rollouts.requireRunning(session.client, ws);
      RolloutStatus before = Rollouts.stub(session.client, ws).status();
      try {
        Rollouts.stub(session.client, ws).releaseRollout(new ReleaseRequest(skipFailed, Identity.operator()));
      } catch (WorkflowUpdateException e) {
        throw Exit.badInput("amble: refused: " + RolloutsErrors.message(e));
      }
      String failed = String.join(", ", before.awaiting());
      spec.commandLine().getOut().printf(
          "Released rollout of %s.%s%n",
          ws,
          before.awaiting().isEmpty()
              ? ""
              : skipFailed ? " Left failed: " + failed + "." : " Walking again first: " + failed + ".");
      return ExitCode.OK;
    }
  }
}

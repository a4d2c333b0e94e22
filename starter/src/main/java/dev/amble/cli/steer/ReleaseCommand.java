package dev.amble.cli.steer;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.failure.Failures;
import dev.amble.rollout.ReleaseRequest;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutSummary;
import io.temporal.client.WorkflowUpdateException;
import java.util.List;
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
          + " --skip-failed leaves them failed and moves on, or --except leaves the hosts it names"
          + " failed (`amble retry HOST` walks one again and keeps the rollout caught). Refused when the rollout is not caught. When"
          + " no worker runs, it sends the release as a signal, which takes effect when one starts.",
      ""
    })
public final class ReleaseCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(
      names = "--skip-failed",
      description = "Leave the failed hosts failed and go on with the others.")
  boolean skipFailed;

  @Option(
      names = "--except",
      paramLabel = "HOST",
      description =
          "Leave this failed host failed and walk the other failed hosts again (repeatable); each"
              + " must be waiting for the release.")
  List<String> except = new java.util.ArrayList<>();

  @Override
  public Integer call() {
    if (skipFailed && !except.isEmpty()) {
      throw Exit.badInput(
          "amble: --except goes without --skip-failed, which leaves every failed host failed");
    }
    try (SteeredRollout r = SteeredRollout.open(spec, workspace, temporal)) {
      RolloutStatus before;
      try {
        before = Rollouts.status(r.client(), r.workspace, r.found, r.session.address);
      } catch (Rollouts.NoWorker e) {
        // The release names the catch the rollout last recorded: if it caught again since, the
        // rollout refuses it.
        return signal(
            r,
            new ReleaseRequest(
                skipFailed,
                Identity.operator(),
                e.summary
                    .map(RolloutSummary::rollout)
                    .filter(id -> !id.isEmpty())
                    .orElseGet(r::firstRunId),
                e.summary.map(s -> s.caught().number()).orElse(0),
                except),
            e);
      }
      ReleaseRequest request =
          ReleaseRequest.of(before, skipFailed, Identity.operator()).except(except);
      try {
        r.stub().releaseRollout(request);
      } catch (WorkflowUpdateException e) {
        throw Exit.badInput("amble: refused: " + Failures.oneLine(e));
      }
      r.out.printf("Released rollout of %s.%s%n", r.workspace, walked(before.awaiting()));
      return ExitCode.OK;
    }
  }

  /**
   * No worker can take the update: the release goes as a signal, refused here as the update would
   * be when the rollout last recorded that it is not caught.
   */
  private int signal(SteeredRollout r, ReleaseRequest request, Rollouts.NoWorker e) {
    e.summary
        .filter(s -> !s.caught().caught())
        .ifPresent(
            s -> {
              throw Exit.badInput(
                  "amble: refused: the rollout is not caught (phase " + s.phase() + ")");
            });
    r.stub().releaseSignal(request);
    SteeredRollout.sentAsSignal(
        r.out,
        r.err,
        Steer.RELEASE.what(),
        r.workspace,
        e.getMessage(),
        walked(e.summary.map(RolloutSummary::awaiting).orElse(List.of())));
    return ExitCode.OK;
  }

  /** The failed hosts the release walks again, or leaves failed. */
  private String walked(List<String> awaiting) {
    if (awaiting.isEmpty()) {
      return "";
    }
    if (skipFailed) {
      return " Left failed: " + String.join(", ", awaiting) + ".";
    }
    List<String> again = awaiting.stream().filter(h -> !except.contains(h)).toList();
    return (again.isEmpty() ? "" : " Walking again first: " + String.join(", ", again) + ".")
        + (except.isEmpty() ? "" : " Left failed: " + String.join(", ", except) + ".");
  }
}

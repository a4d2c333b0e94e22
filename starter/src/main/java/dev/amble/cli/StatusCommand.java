package dev.amble.cli;

import dev.amble.rollout.RolloutStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble status}: the workspace's rollout now. */
@Command(
    header = "Shows the workspace's rollout: counts, hosts, catch.",
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows the workspace's latest rollout: phase, counts, each host's outcome and reason, the hosts"
          + " in progress, the catch, and who steered it. Works while it runs and after it ended.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 running or done with every walked host succeeded; 1 caught or ended with failed"
          + " hosts; 2 no rollout; 3 Temporal unreachable.",
      ""
    })
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(names = "--watch", description = "Follow the rollout until it ends (Ctrl-C stops watching, not the rollout).")
  boolean watch;

  @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json. Default: ${DEFAULT-VALUE}.")
  PlanPrinter.Format output;

  /** Without a worker, the memo's summary: counts, phase, catch; not each host. */
  private int summaryOnly(String ws, Rollouts.Found found, Rollouts.NoWorker e, PrintWriter out) {
    spec.commandLine().getErr().printf(
        "amble: %s. This is what the rollout last recorded (each host's outcome needs a worker).%n", e.getMessage());
    spec.commandLine().getErr().flush();
    if (e.summary.isEmpty()) {
      if (output == PlanPrinter.Format.text) {
        out.printf(
            "Rollout of workspace %s (%s, run %s), started %s: nothing recorded yet; it begins when a worker runs.%n",
            ws, found.workflowId(), found.runId(), found.started());
        out.flush();
      }
      return ExitCode.OK;
    }
    var s = e.summary.get();
    if (output == PlanPrinter.Format.json) {
      out.println(StatusPrinter.json(s));
    } else {
      out.printf("Rollout of workspace %s (workflow %s), started by %s: %s%n", ws, s.workflow(), s.startedBy(), s.phase());
      out.printf("  %d hosts: %s; in progress: %s; %d to go%n", s.total(), s.counts(), s.inProgress(), s.remaining());
      if (s.caught().caught()) {
        out.printf("  CAUGHT since %s by %s: %s%n", s.caught().since(), s.caught().by(), s.caught().reason());
      }
    }
    out.flush();
    return s.caught().caught() ? ExitCode.ROLLOUT_FAILED : ExitCode.OK;
  }

  @Override
  public Integer call() throws InterruptedException {
    Amble amble = Amble.of(spec);
    String ws = amble.workspace(workspace.get());
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      Rollouts.Found found = Rollouts.require(session.client, ws);
      if (watch && found.running()) {
        Rollouts.noWorker(session.client, found, session.address)
            .ifPresent(why -> spec.commandLine().getErr().printf("amble: %s; watching until one does.%n", why));
        return new RolloutWatcher(out, spec.commandLine().getErr(), System.console() != null, Duration.ofSeconds(2))
            .watch(session.client, ws, Rollouts.untyped(session.client, found), true);
      }
      RolloutStatus s;
      try {
        s = Rollouts.status(session.client, ws, found, session.address);
      } catch (Rollouts.NoWorker e) {
        return summaryOnly(ws, found, e, out);
      }
      if (output == PlanPrinter.Format.json) {
        out.println(StatusPrinter.json(s));
      } else {
        StatusPrinter.print(s, out);
      }
      out.flush();
      return s.caught().caught() || RolloutWatcher.failures(s) > 0 ? ExitCode.ROLLOUT_FAILED : ExitCode.OK;
    }
  }
}

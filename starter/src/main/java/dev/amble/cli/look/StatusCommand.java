package dev.amble.cli.look;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.OutputOption;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.host.Outcome;
import dev.amble.pages.TemporalPages;
import dev.amble.rollout.RolloutSummary;
import dev.amble.rollout.Steering;
import dev.amble.rollout.SteeringKind;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble status}: the workspace's rollout now, or one host's walk. */
@Command(
    header = "Shows the workspace's rollout: counts, hosts, catch; or one host's walk.",
    name = "status",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows the workspace's latest rollout: phase (and why it ended), counts, the hosts in progress,"
          + " the catch and the hosts awaiting a release, the failed hosts with their reasons, checks,"
          + " and who steered it. Works while it runs and after it ended, however it ended.",
      "",
      "Failed hosts are listed oldest first, a page at a time (--page, --page-size): a rollout keeps"
          + " them on pages in Temporal, so any number can be listed. --output json gives the same page"
          + " under failedHosts: {page, pageSize, pages, total, unlisted, hosts: [{host, outcome, reason,"
          + " wave, awaiting}]}; ask for --page 2, 3, ... up to pages for the others.",
      "",
      "--host HOST shows one host's walk instead (its host workflow amble/PROJECT/WORKSPACE/HOST, latest run):"
          + " each step (prepare, each job and exit job, finish, health checks) with when it started,"
          + " how long it took, the worker that ran it and how it went; then the host's outcome and reason.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 running, or done with every walked host succeeded (with --host: the host did not"
          + " fail); 1 caught, ended with failed hosts, aborted, cancelled, terminated or failed; 2 no"
          + " rollout (with --host: the host has no walk); 3 Temporal unreachable.",
      ""
    })
public final class StatusCommand implements Callable<Integer> {
  /** A host's outcomes (and how Temporal closed its walk) that make --host exit 1. */
  private static final Set<String> HOST_FAILED =
      Set.of(
          Outcome.FAILED.word(),
          Outcome.UNREACHABLE.word(),
          Outcome.LOCKED.word(),
          Outcome.CANCELLED.word(),
          "terminated",
          "timed out");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(
      names = "--watch",
      description = "Follow the rollout until it ends (Ctrl-C stops watching, not the rollout).")
  boolean watch;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Show this host's walk: its steps, their workers and times, its outcome.")
  String host;

  @Option(
      names = "--page",
      paramLabel = "K",
      defaultValue = "1",
      description = "Which page of failed hosts (from 1). Default: ${DEFAULT-VALUE}.")
  int page;

  @Option(
      names = "--page-size",
      paramLabel = "N",
      defaultValue = "100",
      description = "Failed hosts on a page (1 to 10000). Default: ${DEFAULT-VALUE}.")
  int pageSize;

  @Mixin OutputOption output;

  @Override
  public Integer call() throws InterruptedException {
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    if (page < 1) {
      throw Exit.badInput("amble: --page counts from 1, got " + page);
    }
    if (pageSize < 1 || pageSize > 10_000) {
      throw Exit.badInput("amble: --page-size must be from 1 to 10000, got " + pageSize);
    }
    PrintWriter out = spec.commandLine().getOut();
    try (TemporalSession session = TemporalSession.connect(amble, temporal)) {
      if (host != null) {
        return host(session, amble.amblefile().project(), ws, out);
      }
      Rollouts.Found found = Rollouts.require(session.client, amble.amblefile().project(), ws);
      Rollouts.sayIfOldId(found, amble.amblefile().project(), ws, spec.commandLine().getErr());
      if (watch && found.running()) {
        Rollouts.noWorker(session.client, found, session.address)
            .ifPresent(
                why ->
                    spec.commandLine()
                        .getErr()
                        .printf("amble: %s; watching until one does.%n", why));
        return new RolloutWatcher(
                out, spec.commandLine().getErr(), System.console() != null, Duration.ofSeconds(2))
            .watch(session.client, ws, Rollouts.untyped(session.client, found), true);
      }
      RolloutView view;
      try {
        view = RolloutView.read(session.client, ws, found, session.address);
      } catch (Rollouts.NoWorker e) {
        spec.commandLine()
            .getErr()
            .printf(
                "amble: %s. This is what the rollout last recorded (its latest failed hosts need a worker).%n",
                e.getMessage());
        spec.commandLine().getErr().flush();
        if (e.summary.isEmpty()) {
          if (!output.json()) {
            out.printf(
                "Rollout of workspace %s (%s, run %s), started %s: nothing recorded yet; it begins when a worker runs.%n",
                ws, found.workflowId(), found.runId(), found.started());
            out.flush();
          }
          return ExitCode.OK;
        }
        view = new RolloutView(RolloutView.fromSummary(e.summary.get()), "memo", Optional.empty());
      }
      FailedHosts.Listing failed =
          new FailedHosts(new TemporalPages(session.client, session.taskQueue), view.status())
              .page(page, pageSize);
      var givenUp = NotificationStatus.givenUp(session.client, amble.amblefile().project(), ws);
      if (output.json()) {
        out.println(NotificationStatus.json(StatusPrinter.json(view, failed), givenUp));
      } else {
        StatusPrinter.print(view, failed, out);
        NotificationStatus.print(givenUp, out);
      }
      out.flush();
      return view.ok() ? ExitCode.OK : ExitCode.ROLLOUT_FAILED;
    }
  }

  /**
   * One host's walk and how it was steered; a host with none: whether the plan skipped it, or
   * someone did ({@code amble skip}), else exit code 2.
   */
  private int host(TemporalSession session, String project, String ws, PrintWriter out) {
    Optional<Rollouts.Found> rollout = Rollouts.find(session.client, project, ws);
    Optional<HostWalk> walk = HostWalk.latest(session.client, rollout, project, ws, host);
    List<Steering> steered = steeredHost(session, ws, rollout);
    if (walk.isPresent()) {
      if (output.json()) {
        com.fasterxml.jackson.databind.node.ObjectNode node =
            StatusPrinter.JSON.valueToTree(walk.get());
        node.set("steering", StatusPrinter.JSON.valueToTree(steered));
        out.println(StatusPrinter.json(node));
      } else {
        StatusPrinter.host(walk.get(), out);
        steered.forEach(st -> out.printf("  steered %s%n", StatusPrinter.steering(st)));
      }
      out.flush();
      return HOST_FAILED.contains(walk.get().outcome()) ? ExitCode.ROLLOUT_FAILED : ExitCode.OK;
    }
    Optional<Steering> skippedBy =
        steered.stream().filter(st -> st.kind() == SteeringKind.SKIP_HOST).findFirst();
    Optional<RolloutSummary> summary = rollout.flatMap(f -> Rollouts.summary(session.client, f));
    Optional<String> skipped =
        skippedBy
            .map(st -> "skipped by " + st.by() + " at " + st.at() + ": " + st.reason())
            .or(
                () ->
                    summary.flatMap(
                        s ->
                            new RolloutPages(session.client, session.taskQueue, s.pages())
                                .skipped(host)
                                .map(
                                    l ->
                                        "the plan of rollout "
                                            + s.rollout()
                                            + " skipped it: "
                                            + l.reason())));
    if (skipped.isPresent()) {
      String rolloutId = summary.map(RolloutSummary::rollout).orElse("");
      if (output.json()) {
        out.println(
            StatusPrinter.json(
                new NotWalked(ws, host, rolloutId, Outcome.SKIPPED.word(), skipped.get())));
      } else {
        out.printf("Host %s of workspace %s: not walked: %s%n", host, ws, skipped.get());
      }
      out.flush();
      return ExitCode.OK;
    }
    throw Exit.badInput(
        "amble: host "
            + host
            + " has no walk in workspace "
            + ws
            + " (no workflow "
            + HostWalk.id(rollout, project, ws, host)
            + ")"
            + (rollout.isPresent()
                ? "; the latest rollout did not walk it, nor did its plan skip it"
                : ""));
  }

  /**
   * The rollout's steering of this host (retry, skip, a release leaving it failed), from its
   * steering log; empty when no worker answers (the log is in the rollout's state).
   */
  private List<Steering> steeredHost(
      TemporalSession session, String ws, Optional<Rollouts.Found> rollout) {
    if (rollout.isEmpty()) {
      return List.of();
    }
    try {
      return RolloutView.read(session.client, ws, rollout.get(), session.address)
          .status()
          .steering()
          .stream()
          .filter(st -> namesHost(st.reason()))
          .toList();
    } catch (RuntimeException noAnswer) {
      return List.of(); // no worker, or the rollout cannot be read: the walk is still shown
    }
  }

  /** Whether a steering log's reason is about this host: "HOST: why", or a list naming it. */
  private boolean namesHost(String reason) {
    return reason.equals(host)
        || reason.startsWith(host + ": ")
        || (reason.startsWith("left failed: ")
            && List.of(reason.substring("left failed: ".length()).split(", ")).contains(host));
  }

  /** A host the plan skipped, as --output json gives it. */
  record NotWalked(String workspace, String host, String rollout, String outcome, String reason) {}
}

package dev.amble.cli.steer;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.cli.look.FailedHosts;
import dev.amble.cli.look.RolloutPages;
import dev.amble.cli.look.RolloutView;
import dev.amble.failure.Failures;
import dev.amble.host.Outcome;
import dev.amble.pages.TemporalPages;
import dev.amble.rollout.CancelRequest;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutStatus;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowUpdateException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble cancel}: end the rollout, gracefully, now, or by force. */
@Command(
    header = "Ends the rollout: gracefully, now (--now), or by force (--force).",
    name = "cancel",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Ends the workspace's running rollout. Who cancelled it and why are recorded in its history,"
          + " and `amble status` shows them once it ended.",
      "",
      "Graceful (the default): no new host starts; the hosts in flight finish their walk (jobs, exit"
          + " jobs, finish), then the rollout ends `cancelled`. Returns once the cancel is in effect; when no"
          + " worker runs, it sends the cancel as a signal, which takes effect when one starts.",
      "",
      "--now: Temporal's cancellation of the rollout, as the Web UI's Request Cancellation does: the"
          + " jobs in flight are stopped (their Ansible processes ended), their exit jobs run, and the"
          + " rollout closes as Cancelled in Temporal, its phase `cancelled`.",
      "",
      "--force: for a rollout that cannot make progress (say, its workflow task keeps failing). The"
          + " rollout is terminated at once, and so are its pages: it runs nothing more. amble then asks"
          + " its host walks in flight to cancel (a worker that takes them stops their jobs and runs"
          + " their exit jobs). The hosts that may still hold its lock are listed: they stay locked until"
          + " `amble run` walks them again or someone unlocks them.",
      "",
      "A health check with on_failure: abort ends a rollout the way a graceful cancel does, decided by"
          + " the check: it ends `aborted`.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 the cancel took effect (or the rollout was already ending); 2 no running rollout for"
          + " the workspace, or bad input; 3 Temporal unreachable.",
      ""
    })
public final class CancelCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin TemporalOptions temporal;

  @Option(
      names = {"-r", "--reason"},
      paramLabel = "TEXT",
      description = "Why: recorded with who cancelled it.")
  String reason;

  @Option(
      names = "--now",
      description = "Stop the jobs in flight (their exit jobs still run), then end.")
  boolean now;

  @Option(
      names = "--force",
      description =
          "Terminate the rollout and its pages (for a rollout that cannot make progress); list the hosts it may leave locked.")
  boolean force;

  @Override
  public Integer call() {
    if (now && force) {
      throw Exit.badInput("amble: --now and --force do not go together: choose one");
    }
    try (SteeredRollout r = SteeredRollout.open(spec, workspace, temporal)) {
      CancelRequest request =
          new CancelRequest(
              reason == null ? "" : reason.strip(),
              Identity.operator(),
              now || force,
              r.firstRunId());
      if (force) {
        return force(r, request);
      }
      if (now) {
        return now(r, request);
      }
      return graceful(r, request);
    }
  }

  /** The cancelRollout update, or with no worker to take it, the cancel signal. */
  private int graceful(SteeredRollout r, CancelRequest request) {
    PrintWriter out = r.out;
    String ws = r.workspace;
    Optional<RolloutStatus> answered;
    try {
      answered =
          r.send(
              Steer.CANCEL,
              request,
              " No new host starts; the hosts in flight then finish their walk.");
    } catch (WorkflowUpdateException e) {
      // The validator refuses a rollout that ended; its workflow is closing.
      out.printf("The rollout of %s is already ending: %s.%n", ws, Failures.oneLine(e));
      out.flush();
      return ExitCode.OK;
    }
    if (answered.isEmpty()) {
      return ExitCode.OK;
    }
    RolloutStatus s = answered.get();
    int flying = s.inProgress().size();
    out.printf(
        "Cancelling the rollout of %s: no new host starts; %s, then it ends cancelled.%n",
        ws,
        flying == 0
            ? "no host is in flight"
            : flying
                + " host"
                + (flying == 1 ? "" : "s")
                + " in flight finish"
                + (flying == 1 ? "es its" : " their")
                + " walk ("
                + String.join(", ", s.inProgress())
                + ")");
    out.printf(
        "`amble status -w %s` shows when it has ended; `amble cancel --now -w %s` stops the jobs in flight.%n",
        ws, ws);
    out.flush();
    return ExitCode.OK;
  }

  /** Who and why as a signal, then Temporal's cancellation of the rollout. */
  private int now(SteeredRollout r, CancelRequest request) {
    Optional<String> noWorker = Rollouts.noWorker(r.client(), r.found, r.session.address);
    List<String> flying = lastKnown(r).inProgress();
    r.stub().cancelSignal(request);
    Rollouts.untyped(r.client(), r.found).cancel(cancelReason(request, "cancel --now"));
    if (noWorker.isPresent()) {
      SteeredRollout.sentAsSignal(
          r.out,
          r.err,
          "Cancellation",
          r.workspace,
          noWorker.get(),
          " The jobs in flight are then stopped and their exit jobs run.");
      return ExitCode.OK;
    }
    r.out.printf(
        "Cancellation of the rollout of %s requested: %s, then it closes as Cancelled.%n",
        r.workspace,
        flying.isEmpty()
            ? "no host is in flight"
            : "the jobs in flight on "
                + String.join(", ", flying)
                + " are stopped and their exit jobs run");
    r.out.flush();
    return ExitCode.OK;
  }

  /**
   * The cancel signal (best effort: it records who and why), the rollout terminated, its pages
   * terminated, and the hosts that may still hold its lock.
   */
  private int force(SteeredRollout r, CancelRequest request) {
    PrintWriter out = r.out;
    String ws = r.workspace;
    Rollouts.Found found = r.found;
    RolloutStatus s = lastKnown(r);
    try {
      r.stub().cancelSignal(request);
    } catch (RuntimeException e) {
      r.err.printf(
          "amble: could not record the cancel in the rollout's history (%s); terminating it anyway.%n",
          Failures.oneLine(e));
    }
    String why = cancelReason(request, "cancel --force");
    try {
      Rollouts.untyped(r.client(), found).terminate(why);
      out.printf(
          "Terminated the rollout of %s (%s, run %s): %s.%n",
          ws, found.workflowId(), found.runId(), why);
    } catch (WorkflowNotFoundException ended) {
      // It took the cancel signal above and closed before the terminate came: what follows
      // (its pages, its walks in flight) is still to do.
      out.printf(
          "The rollout of %s (%s, run %s) ended on the cancel before it could be terminated.%n",
          ws, found.workflowId(), found.runId());
    }
    List<String> pages =
        new RolloutPages(r.client(), r.session.taskQueue, s.pages())
            .terminate(s.failedPages(), why);
    if (!pages.isEmpty()) {
      out.printf(
          "Terminated its %d page%s (%s/...).%n",
          pages.size(), pages.size() == 1 ? "" : "s", s.pages());
    }
    Map<String, String> locked = mayHoldLock(r.session, s);
    if (locked.isEmpty()) {
      out.println("No host is known to hold its lock.");
    } else {
      out.printf(
          "These %d host%s may still hold the lock of workspace %s: %s locked until `amble run -w %s` walks %s"
              + " again or someone unlocks %s:%n",
          locked.size(),
          locked.size() == 1 ? "" : "s",
          ws,
          locked.size() == 1 ? "it stays" : "they stay",
          ws,
          locked.size() == 1 ? "it" : "them",
          locked.size() == 1 ? "it" : "them");
      int width = 4;
      for (String h : locked.keySet()) {
        width = Math.min(60, Math.max(width, h.length()));
      }
      for (Map.Entry<String, String> e : locked.entrySet()) {
        out.println(
            String.format("  %-" + width + "s  %s", e.getKey(), e.getValue()).stripTrailing());
      }
    }
    List<String> cancelled = cancelWalks(r, found, s.inProgress(), why, r.err);
    if (!cancelled.isEmpty()) {
      out.printf(
          "Asked its walk%s in flight to cancel (%s): a worker that takes %s stops %s jobs and runs %s"
              + " exit jobs.%n",
          cancelled.size() == 1 ? "" : "s",
          String.join(", ", cancelled),
          cancelled.size() == 1 ? "it" : "them",
          cancelled.size() == 1 ? "its" : "their",
          cancelled.size() == 1 ? "its" : "their");
    }
    out.flush();
    return ExitCode.OK;
  }

  /**
   * Asks each host walk in flight to cancel, by its ID: a walk outlives its rollout's run (a
   * terminated rollout cancels none). Returns the hosts whose walk was asked; a walk that has ended
   * meanwhile is left out.
   */
  private static List<String> cancelWalks(
      SteeredRollout r, Rollouts.Found found, List<String> hosts, String why, PrintWriter err) {
    List<String> asked = new ArrayList<>();
    for (String host : hosts) {
      try {
        r.client()
            .newUntypedWorkflowStub(RolloutRequest.hostWorkflowId(found.workflowId(), host))
            .cancel(why);
        asked.add(host);
      } catch (WorkflowNotFoundException ended) {
        // the walk ended meanwhile
      } catch (RuntimeException e) {
        err.printf(
            "amble: could not ask the walk of %s to cancel: %s%n", host, Failures.oneLine(e));
      }
    }
    return asked;
  }

  /**
   * The hosts that may still hold the rollout's lock, each with why: in flight, awaiting a release,
   * failed or cancelled (a host locked by another workspace, or unreachable before anything ran,
   * never took it).
   */
  private Map<String, String> mayHoldLock(TemporalSession session, RolloutStatus s) {
    Map<String, String> hosts = new LinkedHashMap<>();
    s.inProgress().forEach(h -> hosts.put(h, "in flight"));
    new FailedHosts(new TemporalPages(session.client, session.taskQueue), s)
        .forEach(
            line -> {
              if (line.awaiting()) {
                hosts.putIfAbsent(line.host(), line.outcome() + ", awaiting release");
              } else if (!line.outcome().equals(Outcome.LOCKED.word())
                  && !line.outcome().equals(Outcome.UNREACHABLE.word())) {
                hosts.putIfAbsent(line.host(), line.outcome());
              }
            });
    return hosts;
  }

  /** What the rollout says of itself: a worker's answer when one answers, else its memo. */
  private static RolloutStatus lastKnown(SteeredRollout r) {
    try {
      return Rollouts.status(r.client(), r.workspace, r.found, r.session.address);
    } catch (Rollouts.NoWorker e) {
      return e.summary
          .map(RolloutView::fromSummary)
          .orElseGet(() -> RolloutView.nothingRecorded(r.workspace, r.found));
    }
  }

  /** "cancel --force by alice@box: the mirror is gone", the reason Temporal records. */
  private static String cancelReason(CancelRequest r, String how) {
    return how + " by " + r.by() + (r.reason().isEmpty() ? "" : ": " + r.reason());
  }
}

package dev.amble.cli.look;

import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Rollouts;
import dev.amble.failure.Failures;
import dev.amble.host.Outcome;
import dev.amble.rollout.HostResult;
import dev.amble.rollout.Phase;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutSummary;
import dev.amble.rollout.RolloutWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Follows a running rollout: each failed host as it finishes, a progress bar on a terminal (else
 * the counts as they change), the catch when it happens, and a summary at the end, with why it
 * ended when it was cancelled or aborted. Returns the exit code the rollout deserves: 0 only when
 * it is done and no host failed.
 */
public final class RolloutWatcher {
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean terminal;
  private final Duration poll;

  public RolloutWatcher(PrintWriter out, PrintWriter err, boolean terminal, Duration poll) {
    this.out = out;
    this.err = err;
    this.terminal = terminal;
    this.poll = poll;
  }

  /**
   * Follows the rollout just started, until it ends; Ctrl-C leaves it running (with the embedded
   * server, ends it) and says so.
   */
  public int follow(
      WorkflowClient client, String workspace, WorkflowExecution started, boolean embedded)
      throws InterruptedException {
    Thread hook = detachMessage(workspace, embedded);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return watch(
          client,
          workspace,
          Rollouts.untyped(client, started.getWorkflowId(), started.getRunId()),
          embedded);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: Ctrl-C
      }
    }
  }

  private Thread detachMessage(String workspace, boolean embedded) {
    return new Thread(
        () -> {
          if (embedded) {
            err.printf(
                "%namble: stopped; the embedded server and its rollout end with this command.%n");
          } else {
            err.printf(
                "%namble: detached; the rollout goes on. Follow it with `amble status --watch -w %s`,"
                    + " pause it with `amble catch -w %s`.%n",
                workspace, workspace);
          }
          err.flush();
        });
  }

  /**
   * @param stayWhenCaught keep following a caught rollout (the embedded server dies with this
   *     command, so leaving would end the rollout); otherwise return 1 when it is caught and idle
   */
  int watch(WorkflowClient client, String workspace, WorkflowStub untyped, boolean stayWhenCaught)
      throws InterruptedException {
    RolloutWorkflow wf =
        client.newWorkflowStub(RolloutWorkflow.class, untyped.getExecution().getWorkflowId());
    CompletableFuture<RolloutStatus> result = untyped.getResultAsync(RolloutStatus.class);
    Instant start = Instant.now();
    Set<String> printed = new HashSet<>();
    boolean caughtShown = false;
    int waveShown = 0;
    String countsShown = "";
    ProgressBar bar = null;
    try {
      while (true) {
        RolloutStatus s;
        if (result.isDone()) {
          try {
            s = result.join();
          } catch (java.util.concurrent.CompletionException
              | java.util.concurrent.CancellationException e) {
            if (bar != null) {
              bar.close();
              bar = null;
            }
            return closed(client, untyped.getExecution().getWorkflowId(), start, e);
          }
        } else {
          try {
            s = wf.status();
          } catch (RuntimeException notYet) {
            Thread.sleep(poll.toMillis());
            continue;
          }
        }
        if (bar == null && terminal && s.total() > 0) {
          bar =
              new ProgressBarBuilder()
                  .setTaskName(workspace)
                  .setInitialMax(s.total())
                  .setStyle(ProgressBarStyle.ASCII)
                  .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                  .setUpdateIntervalMillis(500)
                  .build();
        }
        int width = StatusPrinter.width(s);
        for (Map.Entry<String, HostResult> e : s.results().entrySet()) {
          if (printed.add(e.getKey() + "|" + e.getValue())) {
            if (bar != null) {
              System.err.print("\r\033[K");
              System.err.flush();
            }
            out.println(StatusPrinter.hostLine(e.getKey(), e.getValue(), width));
            out.flush();
          }
        }
        if (!terminal && !s.done() && done(s) > 0 && !StatusPrinter.counts(s).equals(countsShown)) {
          // No progress bar: the counts as they change, one line each.
          countsShown = StatusPrinter.counts(s);
          out.printf("  %d of %d hosts done: %s%n", done(s), s.total(), countsShown);
          out.flush();
        }
        var progress = s.progress();
        if (progress.waves() > 1 && progress.wave() > waveShown) {
          waveShown = progress.wave();
          int size =
              waveShown <= progress.waveSizes().size()
                  ? progress.waveSizes().get(waveShown - 1)
                  : 0;
          out.printf(
              "wave %d of %d (%d host%s)%n",
              waveShown, progress.waves(), size, size == 1 ? "" : "s");
          out.flush();
        }
        if (bar != null) {
          bar.stepTo(done(s));
          bar.setExtraMessage(
              s.inProgress().isEmpty()
                  ? s.phase()
                  : "walking " + String.join(", ", s.inProgress()));
        }
        if (s.done()) {
          if (bar != null) {
            bar.close();
            bar = null;
          }
          return ended(s, start);
        }
        if (s.caught().caught() && s.inProgress().isEmpty()) {
          if (!caughtShown) {
            if (bar != null) {
              System.err.print("\r\033[K");
              System.err.flush();
            }
            err.printf("amble: rollout caught: %s%n", s.caught().reason());
            if (!s.awaiting().isEmpty()) {
              err.printf(
                  "  `amble release -w %s` walks %s again; `amble release --skip-failed -w %s` moves on.%n",
                  workspace, String.join(", ", s.awaiting()), workspace);
            } else {
              err.printf("  `amble release -w %s` resumes it.%n", workspace);
            }
            err.flush();
            caughtShown = true;
          }
          if (!stayWhenCaught) {
            err.printf(
                "  The rollout waits, caught. Follow it with `amble status --watch -w %s`.%n",
                workspace);
            err.flush();
            return ExitCode.ROLLOUT_FAILED;
          }
        } else {
          caughtShown = false;
        }
        Thread.sleep(poll.toMillis());
      }
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
  }

  /**
   * The end as the rollout told it: "Done: 3 succeeded, in 12s.", or "Cancelled: ..." and "Aborted:
   * ..." with why. Exit code 0 only when it is done and no host failed.
   */
  private int ended(RolloutStatus s, Instant start) {
    Phase phase = Phase.of(s.phase());
    String word = phase == Phase.DONE ? "Done" : phase == Phase.CANCELLED ? "Cancelled" : "Aborted";
    out.printf(
        "%s: %s, in %s.%n",
        word,
        StatusPrinter.counts(s),
        StatusPrinter.took(Duration.between(start, Instant.now()).toMillis()));
    if (phase != Phase.DONE && !s.ended().isEmpty()) {
      out.printf("  %s%n", s.ended());
    }
    out.flush();
    return phase == Phase.DONE && failures(s) == 0 ? ExitCode.OK : ExitCode.ROLLOUT_FAILED;
  }

  /**
   * The rollout closed without a result: Temporal's cancellation (amble cancel --now, the Web UI),
   * which the rollout records as its end, or a termination, a failure, a timeout.
   */
  private int closed(WorkflowClient client, String id, Instant start, RuntimeException e) {
    Optional<Rollouts.Found> found = Rollouts.rollout(client, id);
    Optional<RolloutSummary> summary = found.flatMap(f -> Rollouts.summary(client, f));
    if (summary.isPresent() && Phase.of(summary.get().phase()).ended()) {
      return ended(RolloutView.fromSummary(summary.get()), start);
    }
    String why =
        found
            .flatMap(f -> CloseEvent.read(client, f.workflowId(), f.runId()))
            .map(CloseEvent::describe)
            .orElse("without finishing: " + Failures.oneLine(e));
    throw new Exit(ExitCode.ROLLOUT_FAILED, "amble: the rollout ended " + why);
  }

  /** Hosts dealt with, whatever their outcome. */
  static int done(RolloutStatus s) {
    int n = 0;
    for (int c : s.counts().values()) {
      n += c;
    }
    return n;
  }

  static int failures(RolloutStatus s) {
    int n = 0;
    for (Outcome o : Outcome.values()) {
      if (o.isFailure()) {
        n += s.count(o);
      }
    }
    return n;
  }
}

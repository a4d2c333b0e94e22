package dev.amble.cli.look;

import dev.amble.cli.common.Rollouts;
import dev.amble.rollout.Caught;
import dev.amble.rollout.Phase;
import dev.amble.rollout.Progress;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutSummary;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout as {@code amble status} shows it: its status, where that was read from, and, once its
 * run closed other than by completing (cancelled, terminated, failed, timed out), how it closed.
 *
 * @param source {@code worker} (a query), {@code result} (the completed rollout's result) or {@code
 *     memo} (what the rollout last recorded, when no worker answers)
 */
public record RolloutView(RolloutStatus status, String source, Optional<CloseEvent> closed) {

  /**
   * The rollout now. While it runs with no worker to answer, {@link Rollouts.NoWorker} carries what
   * it last recorded (see {@link Rollouts#status}).
   */
  static RolloutView read(
      WorkflowClient client, String workspace, Rollouts.Found found, String address) {
    if (found.running()) {
      return new RolloutView(
          Rollouts.status(client, workspace, found, address), "worker", Optional.empty());
    }
    if (found.status() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      return new RolloutView(
          Rollouts.status(client, workspace, found, address), "result", Optional.empty());
    }
    Optional<CloseEvent> closed = CloseEvent.read(client, found.workflowId(), found.runId());
    if (Rollouts.noWorker(client, found, address).isEmpty()) {
      try {
        // A worker answers a query of a closed rollout by replaying its history: every host it
        // lists.
        RolloutStatus queried =
            Rollouts.untyped(client, found).query("status", RolloutStatus.class);
        return new RolloutView(queried, "worker", closed);
      } catch (RuntimeException noAnswer) {
        // the memo below says what the rollout last recorded
      }
    }
    RolloutStatus recorded =
        Rollouts.summary(client, found)
            .map(RolloutView::fromSummary)
            .orElseGet(() -> nothingRecorded(workspace, found));
    return new RolloutView(recorded, "memo", closed);
  }

  /**
   * A status from the memo's summary: no host's reason (the failed pages have them), no steering.
   */
  public static RolloutStatus fromSummary(RolloutSummary s) {
    return new RolloutStatus(
        s.workspace(),
        s.workflow(),
        s.rollout(),
        s.dryRun(),
        s.startedBy(),
        s.phase(),
        s.total(),
        s.counts(),
        s.remaining(),
        s.inProgress(),
        Map.of(),
        s.awaiting(),
        s.caught(),
        List.of(),
        0,
        s.progress(),
        s.seed(),
        s.ended(),
        s.pages(),
        s.failedPages(),
        s.failedTotal(),
        Optional.empty(),
        Optional.empty());
  }

  /** A rollout that has recorded nothing yet: it has not begun planning. */
  public static RolloutStatus nothingRecorded(String workspace, Rollouts.Found found) {
    return new RolloutStatus(
        workspace,
        "",
        found.runId(),
        false,
        "",
        Phase.PLANNING.word(),
        0,
        Map.of(),
        0,
        List.of(),
        Map.of(),
        List.of(),
        Caught.NO,
        List.of(),
        0,
        Progress.NONE,
        0,
        "",
        "",
        0,
        0,
        Optional.empty(),
        Optional.empty());
  }

  /**
   * The phase to show: the rollout's own once it said it ended (done, aborted, cancelled), else how
   * Temporal closed it (terminated, failed, timed out, cancelled).
   */
  String phase() {
    if (closed.isPresent() && !status.done()) {
      return closed.get().status();
    }
    return status.phase();
  }

  /**
   * Why it ended, in one line: the rollout's own words, else how Temporal closed it; empty while it
   * runs.
   */
  String ended() {
    if (!status.ended().isEmpty()) {
      return status.ended();
    }
    return closed.map(CloseEvent::describe).orElse("");
  }

  /**
   * Whether it ended (or runs) with nothing to answer for: not caught, no failed host, not cut
   * short.
   */
  boolean ok() {
    Phase p = Phase.of(status.phase());
    boolean cutShort = closed.isPresent() || p == Phase.ABORTED || p == Phase.CANCELLED;
    return !cutShort && !status.caught().caught() && RolloutWatcher.failures(status) == 0;
  }
}

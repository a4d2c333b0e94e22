package dev.amble.cli.start;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.SortOrder;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.Identity;
import dev.amble.cli.common.Rollouts;
import dev.amble.cli.common.TemporalSession;
import dev.amble.codec.CodecKeys;
import dev.amble.rollout.RolloutInput;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import java.io.PrintWriter;

/**
 * Starts the rollout of a workspace as its Temporal workflow, and says so: what started, and what
 * may keep it from running (no worker polling, missing search attributes).
 */
final class RolloutStarter {
  private final TemporalSession session;
  private final PrintWriter out;
  private final PrintWriter err;

  RolloutStarter(TemporalSession session, PrintWriter out, PrintWriter err) {
    this.session = session;
    this.out = out;
    this.err = err;
  }

  /**
   * @param d the workspace's definition, with the run options applied
   */
  WorkflowExecution start(String workspace, Definition d, RunOptions options, boolean check) {
    WorkflowClient client = session.client;
    RolloutRequest request =
        new RolloutRequest(
            d,
            options.settings.limit.get(),
            options.settings.seed(),
            d.workspace().concurrency(),
            check,
            options.settings.stompLocks,
            Identity.operator(),
            options.heartbeatTimeout(),
            RolloutRequest.DEFAULT_EVENTS_PER_RUN,
            session.searchAttributes(),
            options.ignoreWindows);
    RolloutWorkflow wf =
        client.newWorkflowStub(RolloutWorkflow.class, request.startOptions(session.taskQueue));
    // A rollout started before projects, under amble/WORKSPACE, holds the workspace until it ends.
    Rollouts.runningUnderOldId(client, workspace)
        .ifPresent(
            old -> {
              throw alreadyRunning(workspace, old);
            });
    WorkflowExecution started;
    try {
      started = WorkflowClient.start(wf::run, RolloutInput.start(request));
    } catch (WorkflowExecutionAlreadyStarted e) {
      String id = RolloutRequest.workflowId(d.project(), workspace);
      throw alreadyRunning(
          workspace,
          Rollouts.rollout(client, id)
              .orElseThrow(
                  () ->
                      Exit.badInput(
                          "amble: workflow ID "
                              + id
                              + " is taken by a running workflow that is not a rollout (a host walk"
                              + " of workspace "
                              + d.project()
                              + " under the IDs before projects): run again once it ends, or set"
                              + " another `project:`.")));
    }
    out.printf(
        "%s of workspace %s started: workflow %s, %s, %d at a time%s (Temporal %s, workflow ID %s, run %s).%n",
        check ? "Check" : "Rollout",
        workspace,
        d.workflow().name(),
        d.workspace().sortOrder().word()
            + (d.workspace().sortOrder() == SortOrder.SHUFFLE
                ? " (seed " + request.seed() + ")"
                : ""),
        request.concurrency(),
        options.settings.limit.get().map(l -> ", limited to \"" + l + "\"").orElse(""),
        session.address,
        started.getWorkflowId(),
        started.getRunId());
    out.flush();
    session
        .missingSearchAttributes
        .filter(m -> !m.isEmpty())
        .ifPresent(
            missing -> {
              err.printf(
                  "amble: namespace %s lacks amble's search attributes %s (Keyword), so the Web UI cannot filter"
                      + " this rollout's workflows: see the README (`amble server` adds them to its own server).%n",
                  client.getOptions().getNamespace(), String.join(", ", missing));
              err.flush();
            });
    if (!session.isEmbedded() && !session.encrypted()) {
      err.printf(
          "amble: payloads are not encrypted: the server's history holds this rollout's definition and"
              + " its failure messages in plain text. Set %s (see the README's Security section).%n",
          CodecKeys.KEY_FILE);
      err.flush();
    }
    if (!session.isEmbedded() && !Rollouts.workerPolling(client, session.taskQueue)) {
      err.printf(
          "amble: no worker polls task queue %s: the rollout waits until one starts (`amble worker`).%n",
          session.taskQueue);
      err.flush();
    }
    return started;
  }

  /** Why a run is refused: the rollout that holds the workspace (the same words as ever). */
  private static Exit alreadyRunning(String workspace, Rollouts.Found running) {
    return Exit.badInput(
        "amble: workspace "
            + workspace
            + " already has a rollout running: "
            + running.workflowId()
            + " (run "
            + running.runId()
            + ", started "
            + running.started()
            + "). Follow it with `amble status --watch -w "
            + workspace
            + "`, pause it with `amble catch -w "
            + workspace
            + "`.");
  }
}

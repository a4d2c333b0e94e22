package dev.amble.host;

import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * amble's counts of host walks, on the worker's metrics (its {@code /metrics} endpoint). Through
 * {@link Workflow#getMetricsScope()}: nothing is counted while a history is replayed, so a walk is
 * counted once however often workers replay it, and no command is added to the history. The scope
 * already carries the namespace, task queue and workflow type. Like every workflow-side metric, a
 * count is at least once: a workflow task that fails on its worker (one that timed out, or passed
 * the SDK's deadlock detection on a stalled machine) is run again, and what the first run counted
 * stays counted.
 */
final class HostMetrics {
  /** Host walks started: one per HostWorkflow run. */
  static final String WALKED = "amble_hosts_walked";

  /** Host walks ended, tagged {@code outcome} with {@link Outcome#word()}. */
  static final String FINISHED = "amble_hosts_finished";

  private HostMetrics() {}

  static void started() {
    Workflow.getMetricsScope().counter(WALKED).inc(1);
  }

  static void finished(Outcome outcome) {
    Workflow.getMetricsScope().tagged(Map.of("outcome", outcome.word())).counter(FINISHED).inc(1);
  }
}

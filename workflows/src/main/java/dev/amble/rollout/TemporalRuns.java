package dev.amble.rollout;

import dev.amble.host.HostOutcome;
import io.temporal.common.InitialVersioningBehavior;
import io.temporal.workflow.ContinueAsNewOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.Collection;

/** Rules both engines share about the run they are in (the current one and the frozen one). */
final class TemporalRuns {
  private TemporalRuns() {}

  /**
   * Temporal suggests a new run, this one holds more events than the request allows, or a newer
   * build is current.
   */
  static boolean continueAsNewDue(RolloutRequest request) {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > request.eventsPerRun()
        // A newer build is current: the next run moves there (a run is pinned to its build).
        // Only a versioned, pinned run is told so, and only builds with this line pin a run: no
        // history an older build wrote has it set, so this needs no version marker.
        || Workflow.getInfo().isTargetWorkerDeploymentVersionChanged();
  }

  /**
   * Ends this run to go on as a new one with {@code input}. A rollout is pinned to the build it
   * runs on; its next run starts on the deployment's current build (Worker Versioning), which is
   * how a rollout moves to a new amble. Unversioned workers ignore the option.
   */
  static void continueAsNew(RolloutInput input) {
    Workflow.continueAsNew(
        ContinueAsNewOptions.newBuilder()
            .setInitialVersioningBehavior(InitialVersioningBehavior.AUTO_UPGRADE)
            .build(),
        input);
  }

  /** Some host in flight has finished its walk (its outcome waits to be taken). */
  static boolean anyFinished(Collection<Promise<HostOutcome>> inFlight) {
    return inFlight.stream().anyMatch(Promise::isCompleted);
  }
}

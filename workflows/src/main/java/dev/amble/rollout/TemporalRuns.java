package dev.amble.rollout;

import dev.amble.host.HostOutcome;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.Collection;

/** Rules both engines share about the run they are in (the current one and the frozen one). */
final class TemporalRuns {
  private TemporalRuns() {}

  /** Temporal suggests a new run, or this one holds more events than the request allows. */
  static boolean continueAsNewDue(RolloutRequest request) {
    return Workflow.getInfo().isContinueAsNewSuggested()
        || Workflow.getInfo().getHistoryLength() > request.eventsPerRun();
  }

  /** Some host in flight has finished its walk (its outcome waits to be taken). */
  static boolean anyFinished(Collection<Promise<HostOutcome>> inFlight) {
    return inFlight.stream().anyMatch(Promise::isCompleted);
  }
}

package dev.amble.rollout;

import dev.amble.host.HostWorkflowImpl;
import dev.amble.machine.TransitionVisits;
import dev.amble.pages.PageWorkflowImpl;
import io.temporal.testing.TestWorkflowExtension;

/** The workflow tests' Temporal: the rollout's workflows, started by the test once it is set up. */
final class RolloutWorkers {
  private RolloutWorkers() {}

  /**
   * The rollout, host and page workflows, each failing on an undeclared stage transition ({@link
   * TransitionVisits#OPTIONS}); the test starts the worker when its activities are registered.
   */
  static TestWorkflowExtension.Builder extension() {
    return TestWorkflowExtension.newBuilder()
        .registerWorkflowImplementationTypes(
            TransitionVisits.OPTIONS,
            RolloutWorkflowImpl.class,
            HostWorkflowImpl.class,
            PageWorkflowImpl.class)
        .setActivityImplementations(
            new WalkEndsBySignal(), new dev.amble.host.WalkStartActivitiesImpl())
        .setDoNotStart(true);
  }
}

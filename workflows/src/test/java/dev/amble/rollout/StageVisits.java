package dev.amble.rollout;

import io.temporal.worker.WorkflowImplementationOptions;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rollout's stage transitions the workflow tests take: a test class that registers its
 * workflows with {@link #OPTIONS} records them here, and an undeclared transition fails its
 * workflow at once (a worker of amble's retries the workflow task instead, which in a test would
 * only wait). {@link StageTransitionsTest} checks that every declared transition is taken.
 */
final class StageVisits {
  static final Set<Stage.Transition> TAKEN = ConcurrentHashMap.newKeySet();

  static final WorkflowImplementationOptions OPTIONS =
      WorkflowImplementationOptions.newBuilder()
          .setFailWorkflowExceptionTypes(Stage.UndeclaredTransition.class)
          .build();

  static {
    Stage.taken = TAKEN::add;
  }

  private StageVisits() {}
}

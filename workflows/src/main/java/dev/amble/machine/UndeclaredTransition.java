package dev.amble.machine;

/**
 * A transition its machine's table does not declare: a bug in the engine. It is an {@link
 * IllegalStateException}, which no amble worker registers as failing the workflow, so it fails the
 * workflow TASK: Temporal retries the task, and the workflow waits, unharmed, for a fixed worker.
 * The tests register it as failing the workflow, so that the test that makes the move fails at
 * once.
 */
public final class UndeclaredTransition extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  UndeclaredTransition(String machine, Transitions.Transition<?, ?> t) {
    super(machine + " do not allow " + t);
  }
}

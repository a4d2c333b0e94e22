package dev.amble.machine;

import io.temporal.worker.WorkflowImplementationOptions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The stage transitions the workflow tests visit, in this JVM: a test class extended with it
 * ({@code @ExtendWith(TransitionVisits.class)}) records every transition its workflows make while
 * it runs, and registers its workflows with {@link #OPTIONS}, so that an undeclared transition
 * fails the workflow at once (amble's workers retry the workflow task instead, which in a test
 * would only wait for a timeout). {@link RunsLast the coverage check} reads what they visited.
 * Transitions made while no such class runs (a replay of a recorded history) are not counted.
 */
public final class TransitionVisits implements BeforeAllCallback, AfterAllCallback {
  /** Fails the workflow on an undeclared transition. */
  public static final WorkflowImplementationOptions OPTIONS =
      WorkflowImplementationOptions.newBuilder()
          .setFailWorkflowExceptionTypes(UndeclaredTransition.class)
          .build();

  private static final Set<Transitions.Transition<?, ?>> VISITED = ConcurrentHashMap.newKeySet();
  private static final Set<Class<?>> RAN = ConcurrentHashMap.newKeySet();
  private static final AtomicInteger RECORDING = new AtomicInteger();
  private static final List<Consumer<Transitions.Transition<?, ?>>> WATCHERS =
      new CopyOnWriteArrayList<>();

  static {
    Transitions.visited =
        t -> {
          if (RECORDING.get() > 0) {
            VISITED.add(t);
          }
          WATCHERS.forEach(w -> w.accept(t));
        };
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    RECORDING.incrementAndGet();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    RECORDING.decrementAndGet();
    RAN.add(context.getRequiredTestClass());
  }

  /**
   * Shows {@code watcher} every transition from now on, in the workflow thread that makes it,
   * before it is checked (a test may block there, to act while the workflow is in a known stage),
   * until the returned handle is closed.
   */
  public static AutoCloseable watch(Consumer<Transitions.Transition<?, ?>> watcher) {
    WATCHERS.add(watcher);
    return () -> WATCHERS.remove(watcher);
  }

  /** Every transition visited while a recording class ran. */
  public static Set<Transitions.Transition<?, ?>> visited() {
    return Set.copyOf(VISITED);
  }

  /** The classes that ran to their end recording. */
  public static Set<Class<?>> ran() {
    return Set.copyOf(RAN);
  }
}

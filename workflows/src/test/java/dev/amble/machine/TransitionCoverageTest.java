package dev.amble.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.amble.host.HostStage;
import dev.amble.rollout.Stage;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The stage machines' tables against what the engine does, as Temporal's SDK tests its own state
 * machines. The workflow test classes record, in this JVM, every transition their workflows make
 * ({@link TransitionVisits}; an undeclared one already failed the test that made it), and this
 * class, which JUnit runs after them ({@link RunsLast}), fails when a declared transition was
 * visited by none. Without them in this JVM (e.g. {@code -Dtest=TransitionCoverageTest}) it aborts:
 * it cannot know.
 */
@RunsLast
class TransitionCoverageTest {
  /** Every stage machine of the engine. */
  static final List<Transitions<?, ?>> MACHINES = List.of(Stage.TRANSITIONS, HostStage.TRANSITIONS);

  /** The workflow test classes whose visits together cover the tables. */
  static final Set<String> WORKFLOW_TESTS =
      Set.of(
          "dev.amble.rollout.RolloutWorkflowTest",
          "dev.amble.rollout.StrategyWorkflowTest",
          "dev.amble.rollout.ContinueAsNewTest",
          "dev.amble.rollout.WindowsWorkflowTest",
          "dev.amble.rollout.NotifyWorkflowTest",
          "dev.amble.rollout.SyntaxCheckWorkflowTest",
          "dev.amble.rollout.StageCancellationTest",
          "dev.amble.host.HostStageTest");

  /**
   * Declared, since the engine can make them, but visited by no test, each with the reason. It only
   * shrinks: a transition on it that a test visits fails the check until it is struck off.
   */
  static final Map<Transitions.Transition<?, ?>, String> UNVISITED =
      Map.of(
          new Transitions.Transition<>(Stage.PLANNING, Stage.Event.CONTINUE_AS_NEW, Stage.PLANNING),
          "the run loop continues as new before the first plan only when Temporal suggests it at"
              + " the run's first task, which the test server never does (a run's own event limit"
              + " cannot be passed that early without every run passing it again)",
          new Transitions.Transition<>(Stage.ENDING, Stage.Event.CANCEL, Stage.ENDED),
          "ENDING catches a cancellation at each of its waits (continuous checks, pages, notices)"
              + " but one: a full page of failed hosts kept in end(). There is none at the start"
              + " of ENDING (every stage keeps its full pages), so only a release --skip-failed of"
              + " 100 waiting failed hosts during end(), with Temporal's cancellation at that"
              + " moment, takes it.");

  @Test
  void everyDeclaredTransitionIsVisited() {
    Set<String> ran =
        TransitionVisits.ran().stream().map(Class::getName).collect(Collectors.toSet());
    Set<String> missing = new TreeSet<>(WORKFLOW_TESTS);
    missing.removeAll(ran);
    assumeTrue(
        missing.isEmpty(),
        "the coverage of the stage tables needs the workflow tests in the same JVM; not run: "
            + missing);
    Set<Transitions.Transition<?, ?>> visited = TransitionVisits.visited();
    Map<String, Set<String>> never = new TreeMap<>();
    for (Transitions<?, ?> machine : MACHINES) {
      for (Transitions.Transition<?, ?> t : machine.declared()) {
        if (!visited.contains(t) && !UNVISITED.containsKey(t)) {
          never.computeIfAbsent(machine.name(), k -> new TreeSet<>()).add(t.toString());
        }
      }
    }
    assertEquals(
        Map.of(),
        never,
        "declared, visited by no workflow test (a test to visit it, or the transition out of the"
            + " table)");
    Set<String> visitedNow = new TreeSet<>();
    for (Transitions.Transition<?, ?> t : UNVISITED.keySet()) {
      assertTrue(MACHINES.stream().anyMatch(m -> m.declared().contains(t)), t + ": not declared");
      if (visited.contains(t)) {
        visitedNow.add(t.toString());
      }
    }
    assertEquals(Set.of(), visitedNow, "visited now: strike them off UNVISITED");
  }
}

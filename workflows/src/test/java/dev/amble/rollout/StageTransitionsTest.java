package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.rollout.Stage.Event;
import dev.amble.rollout.Stage.Transition;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rollout's stage machine, as Temporal's SDK tests its own: the table ({@link
 * Stage#TRANSITIONS}) against what the engine does. The rollout workflow tests, run here again as
 * nested classes, record every transition they take ({@link StageVisits}); a transition the table
 * does not declare fails the workflow that takes it (so the test that started it), and after them a
 * declared transition that none of them took fails {@link #everyDeclaredTransitionIsTaken}.
 */
class StageTransitionsTest {
  @Nested
  class Rollouts extends RolloutWorkflowTest {}

  @Nested
  class Strategies extends StrategyWorkflowTest {}

  @Nested
  class ContinuedAsNew extends ContinueAsNewTest {}

  @Nested
  class Windows extends WindowsWorkflowTest {}

  @Nested
  class Notices extends NotifyWorkflowTest {}

  /**
   * Declared (the engine takes them: leaving them out would fail the workflow task of a rollout
   * that does) but taken by no workflow test yet. The list only shrinks: a transition on it that a
   * test takes fails {@link #everyDeclaredTransitionIsTaken} until it is struck off.
   */
  static final Set<Transition> NOT_YET_TAKEN =
      Set.of(
          new Transition(Stage.PLANNING, Event.CANCEL, Stage.ENDED),
          new Transition(Stage.NEXT_WAVE, Event.CANCEL, Stage.ENDED),
          new Transition(Stage.PRE_CHECKS, Event.CANCEL, Stage.ENDED),
          new Transition(Stage.BAKING, Event.CANCEL, Stage.ENDED),
          new Transition(Stage.POST_CHECKS, Event.CANCEL, Stage.ENDED),
          new Transition(Stage.PAUSING, Event.CANCEL, Stage.ENDED),
          new Transition(Stage.ENDING, Event.CANCEL, Stage.ENDED),
          new Transition(Stage.PRE_CHECKS, Event.STEP, Stage.ENDING),
          new Transition(Stage.POST_CHECKS, Event.STEP, Stage.ENDING),
          new Transition(Stage.POST_CHECKS, Event.STEP, Stage.POST_CHECKS),
          new Transition(Stage.PAUSING, Event.STEP, Stage.PAUSING),
          new Transition(Stage.PAUSING, Event.CONTINUE_AS_NEW, Stage.PAUSING));

  /** After the nested classes: each declared transition was taken by one of their rollouts. */
  @AfterAll
  static void everyDeclaredTransitionIsTaken() {
    Set<String> never = new TreeSet<>();
    Set<String> takenNow = new TreeSet<>();
    for (Transition t : Stage.TRANSITIONS) {
      boolean taken = StageVisits.TAKEN.contains(t);
      if (!taken && !NOT_YET_TAKEN.contains(t)) {
        never.add(t.toString());
      } else if (taken && NOT_YET_TAKEN.contains(t)) {
        takenNow.add(t.toString());
      }
    }
    assertEquals(
        Set.of(),
        never,
        "declared in Stage.TRANSITIONS, taken by no workflow test (a test to take it, or the"
            + " transition out of the table)");
    assertEquals(Set.of(), takenNow, "taken now: strike them off NOT_YET_TAKEN");
    assertTrue(Stage.TRANSITIONS.containsAll(NOT_YET_TAKEN), "NOT_YET_TAKEN: undeclared ones");
  }

  @Test
  void anUndeclaredTransitionIsRefused() {
    Stage.UndeclaredTransition e =
        assertThrows(
            Stage.UndeclaredTransition.class, () -> Stage.WALKING.to(Event.STEP, Stage.PLANNING));
    assertEquals(
        "the rollout's stages do not allow WALKING -STEP-> PLANNING (Stage.TRANSITIONS)",
        e.getMessage());
    assertThrows(Stage.UndeclaredTransition.class, () -> Stage.ENDED.to(Event.CANCEL, Stage.ENDED));
    assertThrows(
        Stage.UndeclaredTransition.class,
        () -> Stage.ENDING.to(Event.CONTINUE_AS_NEW, Stage.ENDING));
    assertEquals(Stage.BAKING, Stage.WALKING.to(Event.STEP, Stage.BAKING));
  }

  /**
   * It is an IllegalStateException, which amble's workers (AmbleWorker.WORKFLOWS) do not fail the
   * workflow on: the workflow task fails and is retried, the rollout waits for a fixed worker.
   */
  @Test
  void anUndeclaredTransitionIsAnIllegalState() {
    assertTrue(IllegalStateException.class.isAssignableFrom(Stage.UndeclaredTransition.class));
  }

  @Test
  void everyStageStepsToTheEndAndOnlyEndingStepsToEnded() {
    for (Stage s : Stage.values()) {
      Set<Stage> seen = EnumSet.of(s);
      Deque<Stage> todo = new ArrayDeque<>(List.of(s));
      while (!todo.isEmpty()) {
        for (Stage n : todo.pop().next()) {
          if (seen.add(n)) {
            todo.add(n);
          }
        }
      }
      assertTrue(seen.contains(Stage.ENDED), s + " cannot reach the end");
      assertEquals(
          s == Stage.ENDING, s.next().contains(Stage.ENDED), s + ": only ENDING steps to ENDED");
    }
    assertEquals(EnumSet.noneOf(Stage.class), Stage.ENDED.next());
  }

  @Test
  void temporalsCancellationEndsEveryStageButEnded() {
    for (Stage s : Stage.values()) {
      assertEquals(
          s != Stage.ENDED,
          Stage.TRANSITIONS.contains(new Transition(s, Event.CANCEL, Stage.ENDED)),
          s.toString());
    }
  }
}

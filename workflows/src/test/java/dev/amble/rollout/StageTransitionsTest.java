package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.machine.UndeclaredTransition;
import dev.amble.rollout.Stage.Event;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rollout's stage table ({@link Stage#TRANSITIONS}): its shape. Whether the engine makes
 * exactly these moves is the workflow tests' to show ({@code TransitionCoverageTest}); this class
 * records none, it calls {@link Stage#to} itself.
 */
class StageTransitionsTest {
  @Test
  void anUndeclaredTransitionIsRefused() {
    UndeclaredTransition e =
        assertThrows(
            UndeclaredTransition.class, () -> Stage.WALKING.to(Event.STEP, Stage.PLANNING));
    assertEquals("the rollout's stages do not allow WALKING -STEP-> PLANNING", e.getMessage());
    assertThrows(UndeclaredTransition.class, () -> Stage.ENDED.to(Event.CANCEL, Stage.ENDED));
    assertThrows(
        UndeclaredTransition.class, () -> Stage.ENDING.to(Event.CONTINUE_AS_NEW, Stage.ENDING));
    assertEquals(Stage.BAKING, Stage.WALKING.to(Event.STEP, Stage.BAKING));
  }

  /**
   * It is an IllegalStateException, which amble's workers (AmbleWorker.WORKFLOWS) do not fail the
   * workflow on: the workflow task fails and is retried, the rollout waits for a fixed worker.
   */
  @Test
  void anUndeclaredTransitionIsAnIllegalState() {
    assertTrue(IllegalStateException.class.isAssignableFrom(UndeclaredTransition.class));
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
          s != Stage.ENDED, Stage.TRANSITIONS.declares(s, Event.CANCEL, Stage.ENDED), s.toString());
    }
  }
}

package dev.amble.rollout;

import dev.amble.machine.Transitions;
import dev.amble.machine.UndeclaredTransition;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where the rollout's walk is: each stage is also where a continued run resumes. {@link
 * RolloutWorkflowImpl} changes its stage only through {@link #to}, which allows only the
 * transitions of {@link #TRANSITIONS}:
 *
 * <pre>
 * on STEP (what the stage's work returns):
 *   PLANNING    ──▶ NEXT_WAVE
 *   NEXT_WAVE   ──▶ NEXT_WAVE, PRE_CHECKS, ENDING
 *   PRE_CHECKS  ──▶ PRE_CHECKS, WALKING, ENDING
 *   WALKING     ──▶ WALKING, BAKING, POST_CHECKS, ENDING
 *   BAKING      ──▶ BAKING, POST_CHECKS
 *   POST_CHECKS ──▶ POST_CHECKS, PAUSING, NEXT_WAVE, ENDING
 *   PAUSING     ──▶ PAUSING, NEXT_WAVE
 *   ENDING      ──▶ ENDED
 * on CONTINUE_AS_NEW: each of PLANNING .. PAUSING ──▶ itself, in the next run
 * on CANCEL:          each of PLANNING .. ENDING   ──▶ ENDED
 * </pre>
 *
 * A stage that yields (to continue as new, or to wait again) steps to itself. A rollout aborted or
 * cancelled by amble reaches ENDING by the stages' own steps: BAKING and PAUSING end their wait,
 * the post-checks see the rollout stopping. Temporal's cancellation ends the hosts in flight, then
 * closes the pages ({@code end()}), whatever the stage. The planning's waits are its activities
 * (the syntax check, the plan), whose cancellation reaches the run loop as an {@code
 * ActivityFailure}: since the marker {@code RolloutEngine.PLANNING_CANCEL} it ends the rollout as
 * any other stage's cancellation does; before it, Temporal ended such a rollout as cancelled, still
 * in PLANNING, without {@code end()}.
 */
public enum Stage {
  /** Resolving hosts and keeping the walk order as pages. */
  PLANNING,
  /** Between waves: waits while caught, then starts the next wave or ends. */
  NEXT_WAVE,
  /** The wave's pre-checks, from {@link RolloutState#healthCheck}. */
  PRE_CHECKS,
  /** The wave's hosts, up to the concurrency in flight. */
  WALKING,
  /** The finished wave bakes until {@link RolloutState#until}. */
  BAKING,
  /** The wave's post-checks, from {@link RolloutState#healthCheck}. */
  POST_CHECKS,
  /** The pause between waves, until {@link RolloutState#until}. */
  PAUSING,
  /** Closing the rollout's pages and saying why it ended. */
  ENDING,
  /** Nothing left to do. */
  ENDED;

  /** What moves a rollout from a stage. */
  public enum Event {
    /** The stage's work, which returns the stage to go on with (its own, when it yields). */
    STEP,
    /** The run continues as new: the next run starts in the same stage. */
    CONTINUE_AS_NEW,
    /** Temporal's cancellation (amble cancel --now, the Web UI). */
    CANCEL
  }

  /** Every transition the engine makes, and no other. */
  public static final Transitions<Stage, Event> TRANSITIONS = table();

  private static Transitions<Stage, Event> table() {
    Transitions.Builder<Stage, Event> t = Transitions.named("the rollout's stages");
    t.on(PLANNING, Event.STEP, NEXT_WAVE)
        .on(NEXT_WAVE, Event.STEP, NEXT_WAVE, PRE_CHECKS, ENDING)
        .on(PRE_CHECKS, Event.STEP, PRE_CHECKS, WALKING, ENDING)
        .on(WALKING, Event.STEP, WALKING, BAKING, POST_CHECKS, ENDING)
        .on(BAKING, Event.STEP, BAKING, POST_CHECKS)
        .on(POST_CHECKS, Event.STEP, POST_CHECKS, PAUSING, NEXT_WAVE, ENDING)
        .on(PAUSING, Event.STEP, PAUSING, NEXT_WAVE)
        .on(ENDING, Event.STEP, ENDED);
    // PLANNING too: the run loop continues as new whenever it is due with no host in flight, also
    // before the first plan (Temporal suggesting it at the first task); the next run plans.
    for (Stage s : EnumSet.range(PLANNING, PAUSING)) {
      t.on(s, Event.CONTINUE_AS_NEW, s);
    }
    // From PLANNING only after the marker RolloutEngine.PLANNING_CANCEL: before it, a cancelled
    // planning activity left the run as an ActivityFailure, which the run loop did not catch.
    for (Stage s : EnumSet.range(PLANNING, ENDING)) {
      t.on(s, Event.CANCEL, ENDED);
    }
    return t.build();
  }

  /**
   * This stage, left on {@code event} for {@code to}: returns {@code to}, or throws {@link
   * UndeclaredTransition} when the table does not declare the transition.
   */
  Stage to(Event event, Stage to) {
    return TRANSITIONS.to(this, event, to);
  }

  /** The stages this stage may step to. */
  public Set<Stage> next() {
    return TRANSITIONS.next(this, Event.STEP);
  }
}

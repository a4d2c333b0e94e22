package dev.amble.rollout;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Consumer;

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
 * on CONTINUE_AS_NEW: each of NEXT_WAVE .. PAUSING ──▶ itself, in the next run
 * on CANCEL:          each of PLANNING .. ENDING   ──▶ ENDED
 * </pre>
 *
 * A stage that yields (to continue as new, or to wait again) steps to itself. A rollout aborted or
 * cancelled by amble reaches ENDING by the stages' own steps: BAKING and PAUSING end their wait,
 * the post-checks see the rollout stopping. Temporal's cancellation ends the hosts in flight, then
 * closes the pages ({@code end()}), whatever the stage.
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

  /** One move: from a stage, on an event, to a stage. */
  public record Transition(Stage from, Event event, Stage to) {
    @Override
    public String toString() {
      return from + " -" + event + "-> " + to;
    }
  }

  /** Every transition the engine makes, and no other. */
  public static final Set<Transition> TRANSITIONS = table();

  private static Set<Transition> table() {
    Set<Transition> t = new LinkedHashSet<>();
    step(t, PLANNING, NEXT_WAVE);
    step(t, NEXT_WAVE, NEXT_WAVE, PRE_CHECKS, ENDING);
    step(t, PRE_CHECKS, PRE_CHECKS, WALKING, ENDING);
    step(t, WALKING, WALKING, BAKING, POST_CHECKS, ENDING);
    step(t, BAKING, BAKING, POST_CHECKS);
    step(t, POST_CHECKS, POST_CHECKS, PAUSING, NEXT_WAVE, ENDING);
    step(t, PAUSING, PAUSING, NEXT_WAVE);
    step(t, ENDING, ENDED);
    for (Stage s : EnumSet.range(NEXT_WAVE, PAUSING)) {
      t.add(new Transition(s, Event.CONTINUE_AS_NEW, s));
    }
    for (Stage s : EnumSet.range(PLANNING, ENDING)) {
      t.add(new Transition(s, Event.CANCEL, ENDED));
    }
    return Set.copyOf(t);
  }

  private static void step(Set<Transition> t, Stage from, Stage... to) {
    for (Stage s : to) {
      t.add(new Transition(from, Event.STEP, s));
    }
  }

  /**
   * A transition the table does not declare: a bug in the engine. It is an {@link
   * IllegalStateException}, which no worker registers as failing the workflow, so it fails the
   * workflow task: Temporal retries the task, and the rollout waits, unharmed, for a fixed worker.
   */
  public static final class UndeclaredTransition extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    UndeclaredTransition(Transition t) {
      super("the rollout's stages do not allow " + t + " (Stage.TRANSITIONS)");
    }
  }

  /**
   * Sees every transition taken, before it is checked (tests set it, to know which transitions
   * their rollouts visited); nothing by default.
   */
  static volatile Consumer<Transition> taken = t -> {};

  /**
   * This stage, left on {@code event} for {@code to}: returns {@code to}, or throws {@link
   * UndeclaredTransition} when the table does not declare the transition.
   */
  Stage to(Event event, Stage to) {
    Transition t = new Transition(this, event, to);
    taken.accept(t);
    if (!TRANSITIONS.contains(t)) {
      throw new UndeclaredTransition(t);
    }
    return to;
  }

  /** The stages this stage may step to. */
  public Set<Stage> next() {
    Set<Stage> next = EnumSet.noneOf(Stage.class);
    for (Transition t : TRANSITIONS) {
      if (t.from() == this && t.event() == Event.STEP) {
        next.add(t.to());
      }
    }
    return next;
  }
}

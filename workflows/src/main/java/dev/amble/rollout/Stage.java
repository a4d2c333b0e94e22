package dev.amble.rollout;

/**
 * Where the rollout's walk is: each stage is also where a continued run resumes. The transitions,
 * which {@link RolloutWorkflowImpl} makes and {@link #next} lists:
 *
 * <pre>
 * PLANNING ──▶ NEXT_WAVE ──▶ PRE_CHECKS ──▶ WALKING ──▶ BAKING ──▶ POST_CHECKS ──▶ PAUSING
 *                  ▲  │                        │                        │ │            │
 *                  │  └──────▶ ENDING ◀────────┘ (stopped)             │ │            │
 *                  └───────────────────────────────────────────────────┘ └────────────┘
 * ENDING ──▶ ENDED
 * </pre>
 *
 * Any stage but ENDED goes to ENDING when the rollout is aborted or cancelled.
 */
public enum Stage {
  /** Resolving hosts and keeping the walk order as pages. */
  PLANNING,
  /** Between waves: waits while caught, then starts the next wave or ends. */
  NEXT_WAVE,
  /** The wave's pre-checks, from {@link RolloutState#health check}. */
  PRE_CHECKS,
  /** The wave's hosts, up to the concurrency in flight. */
  WALKING,
  /** The finished wave bakes until {@link RolloutState#until}. */
  BAKING,
  /** The wave's post-checks, from {@link RolloutState#health check}. */
  POST_CHECKS,
  /** The pause between waves, until {@link RolloutState#until}. */
  PAUSING,
  /** Closing the rollout's pages and saying why it ended. */
  ENDING,
  /** Nothing left to do. */
  ENDED;

  /** The stages each stage may go to. */
  public java.util.Set<Stage> next() {
    return switch (this) {
      case PLANNING -> java.util.EnumSet.of(NEXT_WAVE, ENDING);
      case NEXT_WAVE -> java.util.EnumSet.of(PRE_CHECKS, ENDING);
      case PRE_CHECKS -> java.util.EnumSet.of(WALKING, ENDING);
      case WALKING -> java.util.EnumSet.of(BAKING, POST_CHECKS, ENDING);
      case BAKING -> java.util.EnumSet.of(POST_CHECKS, ENDING);
      case POST_CHECKS -> java.util.EnumSet.of(NEXT_WAVE, PAUSING, ENDING);
      case PAUSING -> java.util.EnumSet.of(NEXT_WAVE, ENDING);
      case ENDING -> java.util.EnumSet.of(ENDED);
      case ENDED -> java.util.EnumSet.noneOf(Stage.class);
    };
  }
}

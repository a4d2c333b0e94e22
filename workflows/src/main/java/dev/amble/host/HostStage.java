package dev.amble.host;

import dev.amble.machine.Transitions;

/**
 * Where a host's walk is. {@link HostWorkflowImpl} changes its stage only through {@link
 * #TRANSITIONS}, which allows only these moves:
 *
 * <pre>
 * on STEP (what the stage's work returns):
 *   PREPARING   ──▶ PREPARING (unreachable: tries again), PRE_CHECKS,
 *                   DONE (prepare failed, unreachable, skipped, locked by another workspace)
 *   PRE_CHECKS  ──▶ JOBS, DONE (a pre-check holds the host)
 *   JOBS        ──▶ EXIT_JOBS
 *   EXIT_JOBS   ──▶ FINISHING, DONE (a job failed, the claim was refused, a dry run)
 *   FINISHING   ──▶ POST_CHECKS, DONE (finish failed or found the host locked)
 *   POST_CHECKS ──▶ DONE
 * on CANCEL (the walk cancelled while its jobs run): JOBS, EXIT_JOBS ──▶ EXIT_JOBS
 * </pre>
 *
 * A cancellation in any other stage ends the walk where it is: nothing is left to undo there.
 */
public enum HostStage {
  /**
   * Facts, the host's amble state and the jobs' preconditions; retried while unreachable. A walk
   * with nothing to prepare ({@link HostInput#skipPreparation}) passes through at once.
   */
  PREPARING,
  /** The host's pre-checks. */
  PRE_CHECKS,
  /** The jobs, in order; the first run claims the host. */
  JOBS,
  /** The exit jobs, once any job began: also when the walk failed or was cancelled. */
  EXIT_JOBS,
  /** The host marked finished and unlocked (by the last run, or by a run of its own). */
  FINISHING,
  /** The host's post-checks. */
  POST_CHECKS,
  /** The walk has its outcome. */
  DONE;

  /** What moves a walk from a stage. */
  public enum Event {
    /** The stage's work, which returns the stage to go on with. */
    STEP,
    /** Temporal's cancellation of the walk (the rollout's, or this host's from the Web UI). */
    CANCEL
  }

  /** Every transition a host walk makes, and no other. */
  public static final Transitions<HostStage, Event> TRANSITIONS =
      Transitions.<HostStage, Event>named("a host walk's stages")
          .on(PREPARING, Event.STEP, PREPARING, PRE_CHECKS, DONE)
          .on(PRE_CHECKS, Event.STEP, JOBS, DONE)
          .on(JOBS, Event.STEP, EXIT_JOBS)
          .on(EXIT_JOBS, Event.STEP, FINISHING, DONE)
          .on(FINISHING, Event.STEP, POST_CHECKS, DONE)
          .on(POST_CHECKS, Event.STEP, DONE)
          .on(JOBS, Event.CANCEL, EXIT_JOBS)
          .on(EXIT_JOBS, Event.CANCEL, EXIT_JOBS)
          .build();
}

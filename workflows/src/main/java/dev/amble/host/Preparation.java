package dev.amble.host;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.JobSpec;
import dev.amble.amblefile.Strategy;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import java.util.Collections;
import java.util.List;

/**
 * What a host workflow needs to decide what to do with a host: whether it answered, what each
 * step's preconditions say on its fresh facts, and its remote state. Never the facts themselves.
 *
 * @param verdicts one per step of the request, in order (empty unless the run was OK)
 */
public record Preparation(RunResult run, List<Verdict> verdicts, RemoteState state) {
  /**
   * Whether walks of {@code definition} need no preparation: every job and exit job runs Ansible
   * and has the precondition {@code true} (fresh facts decide nothing, and the remote state only
   * ever decides for a host a precondition skips), unreachable hosts are not tried again (which
   * prepares before each try), no host pre-check runs (they run after the host was found reachable
   * and unlocked), and the walk claims the host (not a dry run). The first run's claim then finds
   * what preparing would have: the host unreachable or failing (the walk ends so, nothing changed,
   * no exit job), or locked by another workspace (locked). One Ansible run and one marker fewer per
   * walk.
   */
  public static boolean needless(Definition definition, boolean dryRun) {
    List<Definition.Step> steps =
        java.util.stream.Stream.concat(definition.steps().stream(), definition.exitSteps().stream())
            .toList();
    return !dryRun
        && !definition.steps().isEmpty()
        && definition.workspace().strategy().unreachable().policy()
            != Strategy.Unreachable.Policy.RETRY
        && definition.workspace().strategy().preChecks().host().isEmpty()
        && steps.stream()
            .allMatch(
                s ->
                    JobRuns.runsAnsible(s)
                        && s.job().preconditions().strip().equals(JobSpec.ALWAYS));
  }

  /** What a walk that does not prepare assumes for its {@code steps} steps: every one holds. */
  static Preparation assumed(int steps) {
    return new Preparation(
        new RunResult(RunStatus.OK, "", "", "", 0, ""),
        Collections.nCopies(steps, Verdict.HOLDS),
        RemoteState.NONE);
  }
}

package dev.amble.host;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.JobTasks;
import dev.amble.failure.Cancellation;
import io.temporal.failure.ActivityFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The job runs of one host walk ({@link HostWorkflowImpl}), remembering whether the host was
 * claimed and what failed.
 */
final class JobRuns {
  final HostTarget target;
  final HostInput input;
  Optional<Claim> claim;
  boolean began;

  /** Exit jobs run to their end: a cancelled walk goes on from there. */
  int exitsDone;

  Optional<HostFailure> failure = Optional.empty();

  /** The last lines of the run that failed, as its result recorded them. */
  List<String> failedTail = List.of();

  /** Another workspace took the lock between prepare and the claim: nothing was run. */
  Optional<String> lockedBy = Optional.empty();

  /**
   * The host did not answer the claim of a walk that did not prepare it ({@link
   * HostInput#skipPreparation}): nothing ran, and the walk ends unreachable, as preparing would
   * have ended it. A claim that failed otherwise (no Python there, a hung host) is a {@link
   * #failure} where nothing ran either: no exit job runs.
   */
  Optional<HostFailure> unreached = Optional.empty();

  String lastLog = "";

  /** The run that is to finish the host, if it comes to it with no failure before it. */
  Optional<Finishing> finishing = Optional.empty();

  /** The result of the run that finished the host. */
  Optional<RunResult> finished = Optional.empty();

  JobRuns(HostTarget target, HostInput input, Optional<Claim> claim) {
    this.target = target;
    this.input = input;
    this.claim = claim;
  }

  /** The claim, if no run has made it yet (finish makes it then). */
  Optional<Claim> pendingClaim() {
    return claim;
  }

  void run(Definition.Step step) {
    began = true;
    if (!runsAnsible(step)) {
      return;
    }
    Optional<Claim> finish =
        finishing.filter(f -> f.at(step) && failure.isEmpty()).map(Finishing::claim);
    Duration timeout = step.job().timeout().plus(Duration.ofMinutes(5));
    if (finish.isPresent()) {
      timeout = timeout.plus(HostWorkflowImpl.SHORT_RUN);
    }
    HostActivities jobActivities = HostWorkflowImpl.activities(input.heartbeatTimeout(), timeout);
    String name = (step.exit() ? "exit job " : "job ") + step.job().name();
    try {
      // One request, asked by reference or in full: the full one is what the worker reads back.
      StepRequest asked =
          new StepRequest(
              step.job().name(), step.index(), step.exit(), claim.isPresent(), finish.isPresent());
      RunResult r =
          input.stepsByReference()
              ? jobActivities.runStep(asked)
              : jobActivities.runJob(WalkInputs.jobRequest(input, asked));
      lastLog = r.log();
      if (r.status() == RunStatus.LOCKED) {
        // The claim was refused, so no job began: no exit job may touch the host.
        began = false;
        lockedBy = Optional.of(r.message());
        return;
      }
      if (input.skipPreparation()
          && claim.isPresent()
          && !step.exit()
          && failure.isEmpty()
          && !r.ok()
          && Claim.TASK.equals(r.task())) {
        // The walk's first contact with the host (its first job's run) failed: nothing ran on it.
        // An exit job's claim (after a job was cancelled or failed on the worker) is not one.
        began = false;
        if (r.status() == RunStatus.UNREACHABLE) {
          unreached = Optional.of(HostFailure.of(name, r));
        } else {
          failure = Optional.of(HostFailure.of(name, r));
        }
        failedTail = r.tail();
        return;
      }
      claim = Optional.empty();
      if (finish.isPresent() && r.ok()) {
        finished = Optional.of(r);
      }
      if (!r.ok() && failure.isEmpty()) {
        failure = Optional.of(HostFailure.of(name, r));
        failedTail = r.tail();
      }
    } catch (ActivityFailure fault) {
      Cancellation.rethrow(fault);
      if (failure.isEmpty()) {
        failure = Optional.of(HostFailure.worker(name, fault));
      }
    }
  }

  /**
   * The step whose run is the walk's last when every run goes well (the last job or exit job that
   * runs Ansible, exit jobs whose preconditions hold): it finishes the host in the same run.
   */
  static Optional<Definition.Step> lastRun(
      List<Definition.Step> jobs, List<Definition.Step> exits, Preparation prep) {
    Optional<Definition.Step> last = Optional.empty();
    for (Definition.Step job : jobs) {
      if (runsAnsible(job)) {
        last = Optional.of(job);
      }
    }
    for (int i = 0; i < exits.size(); i++) {
      if (runsAnsible(exits.get(i)) && prep.verdicts().get(jobs.size() + i).holds()) {
        last = Optional.of(exits.get(i));
      }
    }
    return last;
  }

  static boolean runsAnsible(Definition.Step step) {
    return !(step.job().tasks() instanceof JobTasks.None);
  }

  /** The run that finishes the host: which step, and the claim whose walk it marks succeeded. */
  record Finishing(Definition.Step step, Claim claim) {
    boolean at(Definition.Step s) {
      return s.exit() == step.exit() && s.index() == step.index();
    }
  }
}

package dev.amble.host;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.DurationText;
import dev.amble.amblefile.HealthCheck;
import dev.amble.amblefile.Strategy;
import dev.amble.failure.Cancellation;
import dev.amble.failure.Failures;
import dev.amble.health.HealthCheckResult;
import dev.amble.health.HealthChecks;
import dev.amble.plan.Planner;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import dev.amble.visibility.AmbleSearchAttributes;
import dev.amble.window.WindowGate;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.VersioningBehavior;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowVersioningBehavior;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks one host. Only faults on the worker's side are retried (Ansible missing, a worker that died
 * mid-run and stopped heartbeating): a failed Ansible task is an answer, never retried blindly.
 */
public class HostWorkflowImpl implements HostWorkflow {
  /** Worker-side faults: retried with backoff, then the host is failed (and the rollout caught). */
  static final RetryOptions WORKER_FAULTS =
      RetryOptions.newBuilder()
          .setInitialInterval(Duration.ofSeconds(2))
          .setBackoffCoefficient(2)
          .setMaximumInterval(Duration.ofMinutes(1))
          .setMaximumAttempts(10)
          .build();

  /** Gathering facts, claiming, finishing: short runs. */
  static final Duration SHORT_RUN = Duration.ofMinutes(15);

  /**
   * A build whose walks begin with one more timer than this one's: the worker-upgrade end-to-end
   * test runs it as the new build, so that a walk of the old build that moved to it would fail
   * replay. Set by {@link #changeWalkForUpgradeTest()} only.
   */
  private static volatile boolean changedWalk;

  /** Makes this process's walks those of another build (see {@link #changedWalk}). */
  public static void changeWalkForUpgradeTest() {
    changedWalk = true;
  }

  /**
   * The change of walks where the last run finishes the host (one Ansible process fewer per host);
   * walks recorded before it call finishHost after their last run.
   */
  static final String FINISH_IN_LAST_RUN = "finish-in-last-run";

  static final int FOLDED = 1;

  /**
   * The change of walks that compare the lock's project as well as its workspace (a lock that names
   * no project is project default's); walks recorded before it compared the names only.
   */
  static final String LOCK_PER_PROJECT = "lock-per-project";

  static final int PER_PROJECT = 1;

  /**
   * The change of walks that prepare the host in a local activity: its result is one marker in the
   * walk's history, where an activity took three events and a workflow task three more (issue 30's
   * budget of events per host). A walk with this marker also finishes the host in its last run and
   * compares the lock's project, without those changes' own markers; walks recorded before it
   * prepare in an activity. A walk whose rollout chose it ({@link HostInput#prepareLocally()})
   * records no marker at all: a worker that replays such a walk recorded with the marker (by a
   * build that asked it) skips the marker, as the SDK does for a removed version call.
   */
  static final String PREPARE_LOCALLY = "prepare-locally";

  static final int LOCAL = 1;

  /**
   * Preparing the host in the walk's workflow task: as long as an activity may take, retried on the
   * same faults. Gathering facts and reading the lock change nothing on the host, so a worker that
   * dies mid-way only makes another worker prepare it again. Its request stays out of the marker
   * (the history keeps the result only).
   */
  static final LocalActivityOptions PREPARE =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(SHORT_RUN)
          .setRetryOptions(WORKER_FAULTS)
          .setDoNotIncludeArgumentsIntoMarker(true)
          .build();

  /**
   * Reporting a walk's end: a local activity (one marker in the walk's history, no task of its
   * own), retried for about ten minutes (a rollout between runs).
   */
  static final LocalActivityOptions REPORT =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          // The walk's end is its result already: the marker keeps the report's answer only.
          .setDoNotIncludeArgumentsIntoMarker(true)
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2)
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .setMaximumAttempts(15)
                  .build())
          .build();

  private HostProgress progress = new HostProgress("", "starting", 0, 0);
  private boolean searchAttributes;

  /**
   * The host's lock, when another project's or workspace's rollout holds it. Asked only when the
   * host is locked, so walks of unlocked hosts record no marker.
   */
  private Optional<RemoteState.Lock> lockedByOther(RemoteState state) {
    if (state.lock().isEmpty()) {
      return Optional.empty();
    }
    if (!preparesLocally
        && Workflow.getVersion(LOCK_PER_PROJECT, Workflow.DEFAULT_VERSION, PER_PROJECT)
            == Workflow.DEFAULT_VERSION) {
      return state.lockedByOtherName(d.workspace().name());
    }
    return state.lockedByOther(d.project(), d.workspace().name());
  }

  /** Where the walk is, for the progress query and the Web UI's current details. */
  /** The last lines of the run that failed the walk, as its result recorded them. */
  private List<String> failedTail = List.of();

  private void at(HostProgress now) {
    progress = now;
    Workflow.setCurrentDetails(Descriptions.hostNow(now));
  }

  @Override
  public HostProgress progress() {
    return progress;
  }

  /**
   * A retry is a start too: outside the workspace's maintenance windows, it waits for the next one
   * (on a durable timer), saying so.
   */
  private void awaitWindow(WindowGate windows, String host, int jobs) {
    windows.refresh();
    while (!windows.open()) {
      at(
          new HostProgress(
              host,
              "unreachable: waiting for the maintenance window"
                  + windows.period().map(p -> " that opens " + p.opens()).orElse(""),
              0,
              jobs));
      windows.await(() -> false);
    }
  }

  // The walk's inputs, and what its stages found so far (one workflow instance walks one host).
  private HostInput input;
  private Definition d;
  private String host;
  private HostActivities activities;
  private HostTarget target;
  private List<Definition.Step> jobs;
  private List<Definition.Step> exits;
  private List<JobPreconditions> checks;
  private WindowGate windows;
  private HostStage stage = HostStage.PREPARING;
  private int attempt;
  private Preparation prep;
  private boolean retry;
  private final List<HealthCheckResult> failedGates = new ArrayList<>();
  private JobRuns walk;
  private RunResult finished;
  private Optional<HostOutcome> outcome = Optional.empty();

  /** The walk prepares its host in a local activity ({@link #PREPARE_LOCALLY}). */
  private boolean preparesLocally;

  @Override
  // A walk ends on the build it started on, whichever build its rollout moves to (Worker
  // Versioning); its end reaches the rollout through the WalkEnd report, the contract between
  // builds.
  @WorkflowVersioningBehavior(VersioningBehavior.PINNED)
  public HostOutcome walk(HostInput input) {
    if (changedWalk) {
      Workflow.sleep(Duration.ofMillis(1));
    }
    HostMetrics.started();
    this.input = input;
    d = input.definition();
    host = input.host();
    searchAttributes = input.searchAttributes();
    activities = activities(input.heartbeatTimeout(), SHORT_RUN);
    target = WalkInputs.target(d, host);
    jobs = d.steps();
    exits = d.exitSteps();
    at(new HostProgress(host, "prepare", 0, jobs.size()));

    checks = new ArrayList<>();
    jobs.forEach(s -> checks.add(check(s)));
    exits.forEach(s -> checks.add(check(s)));
    windows = new WindowGate(d.workspace().windows(), Optional.empty());
    preparesLocally =
        input.prepareLocally()
            || Workflow.getVersion(PREPARE_LOCALLY, Workflow.DEFAULT_VERSION, LOCAL) == LOCAL;
    try {
      while (stage != HostStage.DONE) {
        stage = HostStage.TRANSITIONS.to(stage, HostStage.Event.STEP, step());
      }
    } catch (CanceledFailure cancelled) {
      Workflow.newDetachedCancellationScope(() -> report(WalkEnd.cancelled(host))).run();
      throw cancelled;
    } catch (RuntimeException failed) {
      report(WalkEnd.workflowFailed(host, Failures.oneLine(failed)));
      throw failed;
    }
    report(outcome.orElseThrow());
    return outcome.get();
  }

  /**
   * The walk's end, told to its rollout when the rollout asked for it (its parent, or the rollout
   * that {@link HostInput#reportTo()} names): by the worker that runs the walk (a local activity),
   * as a signal to the rollout's workflow ID (whichever run it is in now), retried while the
   * rollout is between two runs. A rollout that has ended no longer hears it: that is not the
   * walk's failure.
   */
  private void report(HostOutcome end) {
    Optional<String> rollout =
        input.reportTo().isEmpty()
            ? Workflow.getInfo().getParentWorkflowId()
            : Optional.of(input.reportTo());
    if (!input.reportEnd() || rollout.isEmpty()) {
      return;
    }
    try {
      Workflow.newLocalActivityStub(WalkEndActivities.class, REPORT)
          .reportEnd(rollout.get(), new WalkEnd(WalkEnd.VERSION, input.rollout(), end));
    } catch (ActivityFailure lost) {
      Cancellation.rethrow(lost);
      Workflow.getLogger(HostWorkflowImpl.class)
          .warn(
              "host {}: its rollout {} did not take the walk's end: {}",
              host,
              rollout.get(),
              Failures.oneLine(lost));
    }
  }

  /** Runs the walk's stage; returns the stage to go on with. */
  private HostStage step() {
    return switch (stage) {
      case PREPARING -> prepare();
      case PRE_CHECKS -> preChecks();
      case JOBS -> jobs();
      case EXIT_JOBS -> exitJobs();
      case FINISHING -> finish();
      case POST_CHECKS -> postChecks();
      case DONE -> HostStage.DONE;
    };
  }

  /** The walk has its outcome. */
  private HostStage ended(HostOutcome o) {
    outcome = Optional.of(o);
    return HostStage.DONE;
  }

  /**
   * Prepares the host: once, or again after a backoff (and in a maintenance window) while it is
   * unreachable and the strategy says to try again.
   */
  private HostStage prepare() {
    if (input.skipPreparation()) {
      prep = Preparation.assumed(checks.size());
      return HostStage.PRE_CHECKS;
    }
    Strategy.Unreachable unreachable = d.workspace().strategy().unreachable();
    try {
      PrepareRequest request = new PrepareRequest(target, d.workflow().name(), checks);
      prep =
          preparesLocally
              ? Workflow.newLocalActivityStub(HostActivities.class, PREPARE).prepareHost(request)
              : activities.prepareHost(request);
    } catch (ActivityFailure fault) {
      Cancellation.rethrow(fault);
      return ended(failed(Outcome.FAILED, HostFailure.worker("prepare", fault), ""));
    }
    if (prep.run().status() == RunStatus.UNREACHABLE
        && unreachable.policy() == Strategy.Unreachable.Policy.RETRY
        && attempt < unreachable.attempts()) {
      Duration wait = unreachable.backoff().multipliedBy(1L << Math.min(attempt, 16));
      at(
          new HostProgress(
              host, "unreachable: trying again in " + DurationText.format(wait), 0, jobs.size()));
      Workflow.sleep(wait);
      awaitWindow(windows, host, jobs.size());
      attempt++;
      at(new HostProgress(host, "prepare (attempt " + (attempt + 1) + ")", 0, jobs.size()));
      return HostStage.PREPARING;
    }
    if (!prep.run().ok()) {
      failedTail = prep.run().tail();
      Outcome o =
          prep.run().status() == RunStatus.UNREACHABLE ? Outcome.UNREACHABLE : Outcome.FAILED;
      return ended(failed(o, HostFailure.of("prepare", prep.run()), prep.run().log()));
    }
    retry = d.workflow().alwaysRetryFailedHosts() && prep.state().unfinished(d.workflow().name());
    if (!retry) {
      Optional<String> skip = Planner.skipReason(jobs, prep.verdicts()::get);
      if (skip.isPresent()) {
        return ended(done(host, Outcome.SKIPPED, skip.get(), prep.run().log()));
      }
    }
    Optional<RemoteState.Lock> lockedByOther =
        input.stompLocks() ? Optional.empty() : lockedByOther(prep.state());
    if (lockedByOther.isPresent()) {
      var lock = lockedByOther.get();
      return ended(
          done(
              host,
              Outcome.LOCKED,
              "locked by workspace "
                  + lock.holder()
                  + " since "
                  + lock.since()
                  + " (rollout "
                  + lock.rollout()
                  + ")",
              prep.run().log()));
    }
    return HostStage.PRE_CHECKS;
  }

  /** The host's pre-checks: a failed one holds the host unless it says to go on. */
  private HostStage preChecks() {
    for (HealthCheck healthCheck : d.workspace().strategy().preChecks().host()) {
      at(new HostProgress(host, "pre-check " + healthCheck.name(), 0, jobs.size()));
      HealthCheckResult r =
          HealthChecks.run(
              d,
              healthCheck,
              Optional.of(host),
              input.wave(),
              "host " + host + " (pre)",
              input.heartbeatTimeout(),
              input.dryRun());
      if (!r.passed()) {
        failedGates.add(r);
        if (healthCheck.onFailure() != HealthCheck.OnFailure.CONTINUE) {
          return ended(
              done(host, Outcome.HELD, HealthChecks.describe(r), prep.run().log(), failedGates));
        }
      }
    }
    return HostStage.JOBS;
  }

  /** The jobs, in order, until one fails or the claim is refused. */
  private HostStage jobs() {
    Optional<Claim> claim =
        input.dryRun() ? Optional.empty() : Optional.of(WalkInputs.claim(input));
    walk = new JobRuns(target, input, claim);
    if (!input.dryRun()
        && (preparesLocally
            || Workflow.getVersion(FINISH_IN_LAST_RUN, Workflow.DEFAULT_VERSION, FOLDED)
                == FOLDED)) {
      walk.finishing =
          JobRuns.lastRun(jobs, exits, prep)
              .map(last -> new JobRuns.Finishing(last, WalkInputs.finishing(input)));
    }
    try {
      for (int i = 0; i < jobs.size(); i++) {
        at(new HostProgress(host, jobs.get(i).job().name(), i, jobs.size()));
        walk.run(jobs.get(i));
        if (walk.failure.isPresent() || walk.lockedBy.isPresent() || walk.unreached.isPresent()) {
          break;
        }
      }
    } catch (CanceledFailure cancelled) {
      throw cancelled(cancelled);
    }
    return HostStage.EXIT_JOBS;
  }

  /** The exit jobs; then the walk ends, unless the host is to be finished. */
  private HostStage exitJobs() {
    try {
      exitJobs(walk, exits, prep, jobs.size());
    } catch (CanceledFailure cancelled) {
      throw cancelled(cancelled);
    }
    failedTail = walk.failedTail; // the job runs' (empty when none failed)
    if (walk.lockedBy.isPresent()) {
      return ended(done(host, Outcome.LOCKED, walk.lockedBy.get(), walk.lastLog));
    }
    if (walk.unreached.isPresent()) {
      return ended(failed(Outcome.UNREACHABLE, walk.unreached.get(), walk.lastLog));
    }
    if (walk.failure.isPresent()) {
      return ended(failed(Outcome.FAILED, walk.failure.get(), walk.lastLog));
    }
    if (input.dryRun()) {
      return ended(done(host, Outcome.CHECKED, "", walk.lastLog));
    }
    return HostStage.FINISHING;
  }

  /**
   * The walk was cancelled (the rollout, or this host from the Web UI) while its jobs ran: the exit
   * jobs not yet done still run (the host must not stay cordoned), in a scope the cancellation does
   * not reach; an exit job that was interrupted runs again. Returns the cancellation, to throw.
   */
  private CanceledFailure cancelled(CanceledFailure cancelled) {
    stage = HostStage.TRANSITIONS.to(stage, HostStage.Event.CANCEL, HostStage.EXIT_JOBS);
    walk.finishing = Optional.empty(); // a cancelled walk is not finished
    Workflow.newDetachedCancellationScope(() -> exitJobs(walk, exits, prep, jobs.size())).run();
    return cancelled;
  }

  /** The host marked finished and unlocked: by the last run already, or by a run of its own. */
  private HostStage finish() {
    try {
      if (walk.finished.isPresent()) {
        finished = walk.finished.get();
      } else {
        at(new HostProgress(host, "finish", jobs.size(), jobs.size()));
        finished =
            activities.finishHost(
                new FinishRequest(
                    target, d.workflow().name(), input.rollout(), walk.pendingClaim()));
      }
    } catch (ActivityFailure fault) {
      Cancellation.rethrow(fault);
      return ended(failed(Outcome.FAILED, HostFailure.worker("finish", fault), walk.lastLog));
    }
    if (finished.status() == RunStatus.LOCKED) {
      return ended(done(host, Outcome.LOCKED, finished.message(), finished.log()));
    }
    if (!finished.ok()) {
      failedTail = finished.tail();
      // Every job has changed the host by now: a host lost at finish is a failure whatever the
      // unreachable policy says, since it is left locked and marked started.
      return ended(failed(Outcome.FAILED, HostFailure.of("finish", finished), finished.log()));
    }
    return HostStage.POST_CHECKS;
  }

  /** The host's post-checks: a failed one is reported with the host's success. */
  private HostStage postChecks() {
    for (HealthCheck healthCheck : d.workspace().strategy().postChecks().host()) {
      at(new HostProgress(host, "post-check " + healthCheck.name(), jobs.size(), jobs.size()));
      HealthCheckResult r =
          HealthChecks.run(
              d,
              healthCheck,
              Optional.of(host),
              input.wave(),
              "host " + host + " (post)",
              input.heartbeatTimeout(),
              input.dryRun());
      if (!r.passed()) {
        failedGates.add(r);
      }
    }
    return ended(
        done(
            host,
            Outcome.SUCCEEDED,
            retry ? "walked again: it had started and never finished" : "",
            finished.log(),
            failedGates));
  }

  /** Exit jobs run once any job began (a claim was made, or in a dry run a job ran). */
  private void exitJobs(JobRuns walk, List<Definition.Step> exits, Preparation prep, int jobCount) {
    if (!walk.began) {
      return;
    }
    for (; walk.exitsDone < exits.size(); walk.exitsDone++) {
      Definition.Step exit = exits.get(walk.exitsDone);
      Verdict v = prep.verdicts().get(jobCount + walk.exitsDone);
      if (!v.holds()) {
        continue;
      }
      at(
          new HostProgress(
              walk.target.host(),
              "exit: " + exit.job().name(),
              progress.jobsDone(),
              progress.jobs()));
      walk.run(exit);
    }
  }

  private HostOutcome done(String host, Outcome outcome, String reason, String log) {
    return done(host, outcome, reason, log, List.of());
  }

  /** A walk that failed (or whose host was unreachable), why given in parts. */
  private HostOutcome failed(Outcome outcome, HostFailure why, String log) {
    HostOutcome o = done(host, outcome, why.text(), log, List.of());
    return new HostOutcome(o.host(), o.outcome(), o.reason(), o.log(), o.healthChecks(), why);
  }

  private HostOutcome done(
      String host,
      Outcome outcome,
      String reason,
      String log,
      List<HealthCheckResult> healthChecks) {
    at(new HostProgress(host, "done", progress.jobsDone(), progress.jobs()));
    if (!reason.isEmpty()) {
      // Why, in the Web UI's current details, also after the worker that holds the log is gone.
      Workflow.setCurrentDetails(Descriptions.hostEnded(outcome.word(), reason, failedTail));
    }
    HostMetrics.finished(outcome);
    if (searchAttributes) {
      Workflow.upsertTypedSearchAttributes(AmbleSearchAttributes.OUTCOME.valueSet(outcome.word()));
    }
    return new HostOutcome(host, outcome, reason, log, healthChecks);
  }

  static JobPreconditions check(Definition.Step s) {
    return new JobPreconditions(s.job().name(), s.job().preconditions(), s.options());
  }

  static String workerFault(ActivityFailure fault) {
    return "worker fault after retries: " + Failures.oneLine(fault);
  }

  /**
   * Cancellation waits until the activity has ended its Ansible run, so that an exit job never
   * starts while the interrupted job's process tree is still being killed.
   */
  static HostActivities activities(Duration heartbeat, Duration startToClose) {
    return Workflow.newActivityStub(
        HostActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(startToClose)
            .setHeartbeatTimeout(heartbeat)
            .setRetryOptions(WORKER_FAULTS)
            .setCancellationType(ActivityCancellationType.WAIT_CANCELLATION_COMPLETED)
            .build());
  }

  /**
   * The walk for a worker that runs unversioned (Temporal's test server, a namespace with worker
   * deployments turned off): the same walk without the pinned behaviour, which a real server
   * refuses from a worker that has no deployment (every workflow task would fail).
   */
  public static final class Unversioned extends HostWorkflowImpl {
    @Override
    public HostOutcome walk(HostInput input) {
      return super.walk(input);
    }
  }
}

package dev.amble.host;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.util.concurrent.UncheckedExecutionException;
import dev.amble.amblefile.Definition;
import dev.amble.temporal.Executions;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * Turns a {@link StepRequest} back into the {@link JobRequest} it names, from the input of the walk
 * that asked for it: the first event of the activity's own workflow run, read through the worker's
 * client (and its codec) and kept a while, since one worker usually runs every step of a walk. The
 * walk is the one the server says the activity belongs to: a request cannot name another walk's
 * host or job.
 */
public final class WalkInputs {
  private WalkInputs() {}

  /**
   * Inputs of walks whose steps this worker ran lately, each the size it has in history: a walk
   * whose input has gone from here (a long job, a busy worker) costs one call more.
   */
  private static final Cache<String, HostInput> INPUTS =
      CacheBuilder.newBuilder()
          .maximumSize(1_024)
          .expireAfterAccess(Duration.ofMinutes(15))
          .build();

  /** The job request the step names, for the walk of the activity being run now. */
  static JobRequest jobRequest(StepRequest step) {
    ActivityInfo info = Activity.getExecutionContext().getInfo();
    WorkflowClient client = Activity.getExecutionContext().getWorkflowClient();
    try {
      HostInput input =
          INPUTS.get(info.getRunId(), () -> read(client, info.getWorkflowId(), info.getRunId()));
      return jobRequest(input, step);
    } catch (ExecutionException | UncheckedExecutionException e) {
      // The read's own failure (Temporal away, a payload the codec refuses), not the cache's.
      throw Activity.wrap(e.getCause());
    }
  }

  /** The job request a step of this walk names: what the walk itself would have sent. */
  static JobRequest jobRequest(HostInput input, StepRequest step) {
    Definition d = input.definition();
    List<Definition.Step> steps = step.exit() ? d.exitSteps() : d.steps();
    if (step.index() < 0 || step.index() >= steps.size()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "the walk of "
              + input.host()
              + " has no "
              + (step.exit() ? "exit job " : "job ")
              + (step.index() + 1),
          "StepRequest");
    }
    Definition.Step s = steps.get(step.index());
    if (!s.job().name().equals(step.job())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "step "
              + (step.index() + 1)
              + " of the walk of "
              + input.host()
              + " is job "
              + s.job().name()
              + ", not "
              + step.job(),
          "StepRequest");
    }
    return new JobRequest(
        target(d, input.host()),
        s,
        input.dryRun(),
        step.claim() ? Optional.of(claim(input)) : Optional.empty(),
        step.finish() ? Optional.of(finishing(input)) : Optional.empty());
  }

  /** The claim the walk's first run makes: its workflow, its rollout, its stomp-locks choice. */
  static Claim claim(HostInput input) {
    return new Claim(input.definition().workflow().name(), input.rollout(), input.stompLocks());
  }

  /** The claim whose walk the last run marks succeeded (finishing never stomps a lock). */
  static Claim finishing(HostInput input) {
    return new Claim(input.definition().workflow().name(), input.rollout(), false);
  }

  /** The host of a walk of this definition, as activities reach it. */
  static HostTarget target(Definition d, String host) {
    return new HostTarget(
        d.workspace().name(),
        d.folder(),
        d.workspace().inventory(),
        host,
        d.content(),
        d.workspace().factStore(),
        d.project());
  }

  private static HostInput read(WorkflowClient client, String workflowId, String runId) {
    return Executions.input(client, workflowId, Optional.of(runId), HostInput.class)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "walk " + workflowId + " run " + runId + " has no history"));
  }
}

package dev.amble.rollout;

import dev.amble.amblefile.Strategy;
import dev.amble.failure.Failures;
import dev.amble.failure.Retries;
import dev.amble.health.HealthCheckResult;
import dev.amble.host.HostInput;
import dev.amble.host.HostOutcome;
import dev.amble.host.HostWorkflow;
import dev.amble.host.Outcome;
import dev.amble.pages.Page;
import dev.amble.pages.PageActivities;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import dev.amble.visibility.AmbleSearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The host walks a run has in flight (child workflows, one per host): which host starts next (from
 * the walk order's pages), how a walk is named and started, and what each finished walk means for
 * the report and the failure budget. A run does not carry them: it continues as new only with none
 * in flight.
 */
final class HostWalks {
  /** The version marker that chooses how host walks are named. */
  static final String HOST_IDS = "host-walk-ids";

  /**
   * A host walk's ID is the rollout's own workflow ID, {@code /}, the host (so a rollout under
   * {@code amble/PROJECT/WORKSPACE} walks {@code amble/PROJECT/WORKSPACE/HOST}); before it, {@code
   * amble/WORKSPACE/HOST} whatever the rollout's ID. For a rollout amble started (under {@code
   * amble/WORKSPACE}) the two are the same; the marker keeps a history of any other ID as it was.
   */
  static final int OWN_ID = 1;

  private final PageActivities pageReader =
      Workflow.newActivityStub(
          PageActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(Retries.backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 0))
              .build());

  private final RolloutRequest request;
  private final Strategy strategy;
  private final RolloutState state;
  private final RolloutSteering steering;
  private final Map<String, Promise<HostOutcome>> inFlight = new LinkedHashMap<>();

  /** The walk page read last. */
  private Optional<Page> page = Optional.empty();

  /** How this run names its host walks, decided at its first host: empty until then. */
  private Optional<Boolean> idsFromOwnId = Optional.empty();

  HostWalks(RolloutRequest request, RolloutState state, RolloutSteering steering) {
    this.request = request;
    this.strategy = request.definition().workspace().strategy();
    this.state = state;
    this.steering = steering;
  }

  /** No host walk is in flight. */
  boolean none() {
    return inFlight.isEmpty();
  }

  int count() {
    return inFlight.size();
  }

  /** The hosts in flight, in the order they started. */
  List<String> inFlight() {
    return List.copyOf(inFlight.keySet());
  }

  /** Some host in flight has finished its walk (its outcome waits to be taken). */
  boolean anyFinished() {
    return TemporalRuns.anyFinished(inFlight.values());
  }

  boolean allFinished() {
    return inFlight.values().stream().allMatch(Promise::isCompleted);
  }

  /** Starts the next host: one to walk again first, else the next of the walk order. */
  void startNext() {
    start(nextHost());
  }

  /** The next host: one to walk again first, else the next of the walk order (from its page). */
  private String nextHost() {
    if (!state.walk.retry.isEmpty()) {
      return state.walk.retry.removeFirst();
    }
    PlanSummary plan = state.plan.orElseThrow();
    int index = state.walk.cursor / plan.pageSize();
    if (page.isEmpty() || page.get().index() != index) {
      page = Optional.of(pageReader.read(Pages.id(plan.prefix(), plan.walkList(), index)));
    }
    String host = page.get().lines().get(state.walk.cursor % plan.pageSize()).host();
    state.walk.cursor++;
    return host;
  }

  private void start(String host) {
    HostWorkflow child =
        Workflow.newChildWorkflowStub(HostWorkflow.class, options(request, workflowId(host), host));
    HostInput hostInput =
        new HostInput(
            request.ignoreWindows() ? request.definition().withoutWindows() : request.definition(),
            host,
            RolloutView.rolloutId(state),
            request.dryRun(),
            request.stompLocks(),
            request.heartbeatTimeout(),
            request.searchAttributes(),
            state.walk.wave);
    inFlight.put(host, Async.function(child::walk, hostInput));
  }

  /**
   * A host walk's options: its ID, cancelled when its rollout's run closes, a summary for the Web
   * UI and, when the rollout keeps them, its search attributes.
   */
  static ChildWorkflowOptions options(RolloutRequest request, String workflowId, String host) {
    ChildWorkflowOptions.Builder options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setStaticSummary(Descriptions.hostSummary(request.workspace(), host));
    if (request.searchAttributes()) {
      options.setTypedSearchAttributes(AmbleSearchAttributes.host(request.workspace(), host));
    }
    return options.build();
  }

  /** The host's walk ID: see {@link #OWN_ID}. */
  private String workflowId(String host) {
    if (idsFromOwnId.isEmpty()) {
      idsFromOwnId =
          Optional.of(Workflow.getVersion(HOST_IDS, Workflow.DEFAULT_VERSION, OWN_ID) == OWN_ID);
    }
    return idsFromOwnId.get()
        ? RolloutRequest.hostWorkflowId(Workflow.getInfo().getWorkflowId(), host)
        : RolloutRequest.hostWorkflowId(RolloutRequest.oldWorkflowId(request.workspace()), host);
  }

  /**
   * Records every finished host, in the order they were started, and acts on what it says: its
   * health checks (given to {@code act}), and a failure over the budget, which catches the rollout.
   */
  void collectFinished(Consumer<HealthCheckResult> act) {
    Iterator<Map.Entry<String, Promise<HostOutcome>>> it = inFlight.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Promise<HostOutcome>> e = it.next();
      if (!e.getValue().isCompleted()) {
        continue;
      }
      it.remove();
      HostOutcome outcome = outcomeOf(e.getKey(), e.getValue());
      for (HealthCheckResult g : outcome.healthChecks()) {
        state.remember(g);
        act.accept(g);
      }
      if (outcome.outcome() == Outcome.HELD) {
        state.walk.retry.addFirst(e.getKey()); // walked first once the check is dealt with
        continue;
      }
      record(outcome);
    }
  }

  private static HostOutcome outcomeOf(String host, Promise<HostOutcome> promise) {
    try {
      return promise.get();
    } catch (ChildWorkflowFailure failed) {
      if (failed.getCause() instanceof CanceledFailure) {
        return new HostOutcome(host, Outcome.CANCELLED, "walk cancelled: its exit jobs ran", "");
      }
      return new HostOutcome(
          host, Outcome.FAILED, "host workflow failed: " + Failures.oneLine(failed), "");
    } catch (RuntimeException failed) {
      return new HostOutcome(
          host, Outcome.FAILED, "host workflow failed: " + Failures.oneLine(failed), "");
    }
  }

  private void record(HostOutcome outcome) {
    state.report.count(outcome.outcome(), 1);
    PageLine line =
        new PageLine(outcome.host(), outcome.outcome().word(), outcome.reason(), state.walk.wave);
    FailureBudget budget = new FailureBudget(strategy, state.walkTotal);
    if (budget.counts(outcome.outcome())) {
      state.failures++;
      state.walk.waveFailures++;
      if (budget.over(state.failures, state.walk.waveFailures, state.walk.waveSize())) {
        state.steering.awaiting.add(line.brief());
        steering.catchBy(
            "amble",
            "host "
                + outcome.host()
                + " "
                + outcome.outcome().word()
                + ": "
                + outcome.reason()
                + budget.note(
                    state.failures,
                    state.walk.wave,
                    state.walk.waveFailures,
                    state.walk.waveSize()),
            SteeringKind.AUTO_CATCH,
            Optional.of(outcome));
        return;
      }
    }
    if (outcome.outcome().isListed()) {
      state.report.list(line);
    }
  }
}

package dev.amble.rollout;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.FailureDomain;
import dev.amble.amblefile.Strategy;
import dev.amble.failure.Cancellation;
import dev.amble.failure.Failures;
import dev.amble.failure.Retries;
import dev.amble.health.HealthCheckResult;
import dev.amble.host.HostInput;
import dev.amble.host.HostOutcome;
import dev.amble.host.HostWorkflow;
import dev.amble.host.Outcome;
import dev.amble.host.Preparation;
import dev.amble.host.WalkEnd;
import dev.amble.host.WalkStart;
import dev.amble.host.WalkStartActivities;
import dev.amble.pages.Page;
import dev.amble.pages.PageActivities;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import dev.amble.visibility.AmbleSearchAttributes;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancelExternalWorkflowException;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The host walks a run has in flight (a workflow per host): which host starts next (from the walk
 * order's pages), how a walk is named and started (by the worker, {@link #BY_WORKER}; as a child
 * workflow in runs recorded before), and what each finished walk means for the report and the
 * failure budget.
 *
 * <p>Since {@value #CROSS_RUNS}, host walks outlive the run that started them (parent close policy
 * ABANDON) and report their end to the rollout's workflow ID ({@link WalkEnd}): the hosts in flight
 * and the reports not yet taken are carried in the state, and a run may continue as new with walks
 * in flight. Before it, a walk was cancelled when its run closed, so a run continued as new only
 * with none in flight; each run decides once, at its start.
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

  /** The version marker after which host walks cross continue-as-new. */
  static final String CROSS_RUNS = "walks-cross-runs";

  /**
   * The version marker after which a run's host walks are started by its worker ({@link
   * WalkStartActivities}, a local activity: one marker for a batch of walks) rather than as child
   * workflows (three events each); they report their end by signal only. Decided at each run's
   * start; runs recorded before it start children.
   */
  static final String BY_WORKER = "walks-started-by-worker";

  /** The suffix of the rollout's workflow ID that names no workflow: see {@link #recorded()}. */
  static final String RECORDED = "/@recorded";

  /** The most walks one local activity starts. */
  static final int START_BATCH = 100;

  /**
   * Starting a batch of walks: a request each, retried for about ten minutes (Temporal out of
   * reach); the batch's walks are out of the marker (the walks' own histories keep their inputs).
   */
  static final LocalActivityOptions STARTS =
      LocalActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setDoNotIncludeArgumentsIntoMarker(true)
          .setRetryOptions(Retries.backoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 15))
          .build();

  private final WalkStartActivities starter =
      Workflow.newLocalActivityStub(WalkStartActivities.class, STARTS);

  /** This run's walks to start, in order, each in {@code state.walks} already. */
  private final List<WalkStart> pending = new ArrayList<>();

  /** Whether this run's worker starts its walks ({@link #BY_WORKER}), decided at its start. */
  private boolean byWorker;

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

  /** What each walk's input carries of the definition ({@link Definition#forWalk()}). */
  private final Definition walkDefinition;

  /** Whether the walks skip preparing their hosts ({@link Preparation#needless}). */
  private final boolean skipPreparation;

  /** This run's own host walks: each one's result, once it ends (the carried ones report). */
  private final Map<String, Promise<HostOutcome>> started = new LinkedHashMap<>();

  /** When each of this run's own host walks has started (or failed to). */
  private final Map<String, Promise<WorkflowExecution>> executions = new LinkedHashMap<>();

  /** Whether this run's walks cross continue-as-new ({@link #CROSS_RUNS}), decided at its start. */
  private boolean crossRuns;

  /** The walk page read last. */
  private Optional<Page> page = Optional.empty();

  /** How this run names its host walks, decided at its first host: empty until then. */
  private Optional<Boolean> idsFromOwnId = Optional.empty();

  HostWalks(RolloutRequest request, RolloutState state, RolloutSteering steering) {
    this.request = request;
    this.strategy = request.definition().workspace().strategy();
    this.state = state;
    this.steering = steering;
    this.walkDefinition =
        (request.ignoreWindows() ? request.definition().withoutWindows() : request.definition())
            .forWalk();
    this.skipPreparation = Preparation.needless(walkDefinition, request.dryRun());
  }

  /**
   * Decides, once per run and at its start, whether its host walks cross continue-as-new (a version
   * marker). A run that carries walks in flight is past the marker already.
   */
  void decideCrossRuns() {
    crossRuns =
        Workflow.getVersion(CROSS_RUNS, Workflow.DEFAULT_VERSION, 1) == 1 || !state.walks.isEmpty();
    byWorker = crossRuns && Workflow.getVersion(BY_WORKER, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  /**
   * The run may continue as new now, as far as the host walks go: none in flight, or each one this
   * run started has started (a walk whose start is still pending when its run closes might never
   * run, and never report).
   */
  boolean mayContinueAsNew() {
    return none()
        || (crossRuns
            && pending.isEmpty()
            && executions.values().stream().allMatch(Promise::isCompleted));
  }

  /** No host walk is in flight. */
  boolean none() {
    return state.walks.isEmpty();
  }

  int count() {
    return state.walks.size();
  }

  /** The hosts in flight, in the order they started. */
  List<String> inFlight() {
    return List.copyOf(state.walks);
  }

  /** Some host in flight has finished its walk (its outcome waits to be taken). */
  boolean anyFinished() {
    return !state.walkEnds.isEmpty() || TemporalRuns.anyFinished(started.values());
  }

  boolean allFinished() {
    return state.walks.stream().allMatch(this::finished);
  }

  private boolean finished(String host) {
    Promise<HostOutcome> own = started.get(host);
    return (own != null && own.isCompleted()) || reported(host).isPresent();
  }

  private Optional<HostOutcome> reported(String host) {
    return state.walkEnds.stream().filter(o -> o.host().equals(host)).findFirst();
  }

  /**
   * A walk's report of its end: kept until the engine takes it, when it is this rollout's and the
   * host is in flight without one; dropped otherwise (an earlier rollout's walk of the same ID, or
   * the same end heard twice).
   */
  void walkEnded(WalkEnd end) {
    String host = end.outcome().host();
    if (!end.rollout().equals(RolloutView.rolloutId(state))
        || !state.walks.contains(host)
        || reported(host).isPresent()) {
      Workflow.getLogger(HostWalks.class)
          .info("dropped the end of walk {} of rollout {}", host, end.rollout());
      return;
    }
    state.walkEnds.add(end.outcome());
  }

  /**
   * Asks every walk in flight that this run did not start to cancel (those it started, Temporal's
   * cancellation of the run reaches already): they run their exit jobs and report.
   */
  void cancelCarried() {
    for (WalkStart never : pending) {
      state.walkEnds.add(WalkEnd.cancelledBeforeStart(never.input().host()));
    }
    pending.clear();
    for (String host : List.copyOf(state.walks)) {
      if (!started.containsKey(host) && !finished(host)) {
        try {
          Workflow.newUntypedExternalWorkflowStub(workflowId(host)).cancel();
        } catch (CancelExternalWorkflowException closed) {
          // Closed without a report (terminated by hand): nothing more will come from it.
          state.walkEnds.add(
              WalkEnd.workflowFailed(host, "its walk closed without reporting its end"));
        }
      }
    }
  }

  /**
   * Starts the next host: one to walk again first, else the next of the walk order; while caught, a
   * host {@code amble retry} walks again. A host {@code amble skip} named is counted skipped
   * instead.
   */
  void startNext() {
    String host = state.steering.caught() ? takeRetrying() : nextHost();
    Optional<PageLine> skip =
        state.steering.skips.stream().filter(l -> l.host().equals(host)).findFirst();
    if (skip.isPresent()) {
      state.steering.skips.remove(skip.get());
      state.report.count(Outcome.SKIPPED, 1);
      return;
    }
    start(host);
  }

  /** While caught: whether a host {@code amble retry} walks again may start now. */
  boolean mayRetryWhileCaught() {
    return state.steering.retrying.stream().anyMatch(this::mayStartAgain);
  }

  private boolean mayStartAgain(String host) {
    return state.walk.retry.contains(host)
        && (!byDomain()
            || state.domains.inFlight(state.domains.domainOf.getOrDefault(host, ""), state.walks)
                < domainLimit());
  }

  /** The first host {@code amble retry} walks again that may start now, out of both lists. */
  private String takeRetrying() {
    String host =
        state.steering.retrying.stream().filter(this::mayStartAgain).findFirst().orElseThrow();
    state.steering.retrying.remove(host);
    state.walk.retry.remove(host);
    return host;
  }

  /**
   * Whether a host may start now, the concurrency aside: the wave has a host not started; with a
   * failure domain, one whose domain has room.
   */
  boolean mayStartOne() {
    if (!byDomain()) {
      return state.walk.waveHasNext();
    }
    return state.domains.again(state.walk.retry, state.walks, domainLimit()).isPresent()
        || (state.walk.cursor < state.walk.waveEnd
            && state.domains.mayTake(runsEnd(), state.walks, domainLimit()));
  }

  /** The next host: one to walk again first, else the next of the walk order (from its page). */
  private String nextHost() {
    if (byDomain()) {
      return nextByDomain();
    }
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

  /** With a failure domain: a host to walk again whose domain has room, else the order's next. */
  private String nextByDomain() {
    Optional<String> again = state.domains.again(state.walk.retry, state.walks, domainLimit());
    if (again.isPresent()) {
      state.walk.retry.remove(again.get());
      return again.get();
    }
    String host = state.domains.take(order, state.walks, domainLimit());
    state.walk.cursor++;
    return host;
  }

  /** The plan walks its order domain by domain (a failure domain). */
  private boolean byDomain() {
    return state.plan.map(p -> !p.domainsList().isEmpty()).orElse(false);
  }

  private int domainLimit() {
    return strategy.failureDomain().map(FailureDomain::maxInFlight).orElse(Integer.MAX_VALUE);
  }

  /** Where the current tier's runs end in the plan's list of runs. */
  private int runsEnd() {
    PlanSummary plan = state.plan.orElseThrow();
    return plan.tiers().isEmpty()
        ? plan.runs()
        : WaveCursor.tierRunsEnd(plan.tiers(), state.walk.tier);
  }

  /**
   * The walk order as the domain cursor reads it: from its pages, the last {@link #PAGES_KEPT} read
   * kept in memory (open runs of several domains read several pages by turns).
   */
  private final DomainCursor.Order order =
      new DomainCursor.Order() {
        @Override
        public String host(int index) {
          return line(state.plan.orElseThrow().walkList(), index).host();
        }

        @Override
        public PageLine run(int index) {
          return line(state.plan.orElseThrow().domainsList(), index);
        }
      };

  /** Pages of the walk order kept in memory, at most: a few of the fleet's, by use. */
  static final int PAGES_KEPT = 8;

  private final Map<String, Page> kept = new LinkedHashMap<>(16, 0.75f, true);

  /** The line at {@code index} of one of the plan's lists, from its page. */
  private PageLine line(String list, int index) {
    int size = state.plan.orElseThrow().pageSize();
    return pageOf(list, index / size).lines().get(index % size);
  }

  private Page pageOf(String list, int index) {
    PlanSummary plan = state.plan.orElseThrow();
    String id = Pages.id(plan.prefix(), list, index);
    Page p = kept.get(id);
    if (p == null) {
      p = pageReader.read(id);
      kept.put(id, p);
      if (kept.size() > PAGES_KEPT) {
        kept.remove(kept.keySet().iterator().next());
      }
    }
    return p;
  }

  private void start(String host) {
    if (byWorker) {
      state.walks.add(host);
      pending.add(
          new WalkStart(
              workflowId(host),
              Workflow.getInfo().getTaskQueue(),
              Workflow.randomUUID().toString(),
              // No summary: the walk's ID names its project, workspace and host, and a summary
              // would cost each host's history about 100 bytes more (issue 30).
              "",
              request.searchAttributes(),
              request.workspace(),
              input(host, Workflow.getInfo().getWorkflowId())));
      return;
    }
    HostWorkflow child =
        Workflow.newChildWorkflowStub(
            HostWorkflow.class, options(request, workflowId(host), host, crossRuns));
    state.walks.add(host);
    started.put(host, Async.function(child::walk, input(host, "")));
    executions.put(host, Workflow.getWorkflowExecution(child));
  }

  /** A walk's input; {@code reportTo} names the rollout for a walk that is not its child. */
  private HostInput input(String host, String reportTo) {
    return new HostInput(
        walkDefinition,
        host,
        RolloutView.rolloutId(state),
        request.dryRun(),
        request.stompLocks(),
        request.heartbeatTimeout(),
        request.searchAttributes(),
        state.walk.wave,
        crossRuns,
        true,
        reportTo,
        skipPreparation,
        true);
  }

  /**
   * Starts the walks {@link #startNext} chose, in batches ({@link #BY_WORKER}): a walk that could
   * not start ends failed, with why, as a child whose start failed did.
   */
  void startPending() {
    if (pending.isEmpty()) {
      return;
    }
    recorded();
    while (!pending.isEmpty()) {
      List<WalkStart> batch =
          List.copyOf(pending.subList(0, Math.min(START_BATCH, pending.size())));
      List<String> refused;
      try {
        refused = starter.startWalks(batch);
      } catch (ActivityFailure failed) {
        Cancellation.rethrow(failed);
        String why = Failures.oneLine(failed);
        refused = batch.stream().map(b -> why).toList();
      }
      pending.subList(0, batch.size()).clear();
      for (int i = 0; i < batch.size(); i++) {
        if (!refused.get(i).isEmpty()) {
          state.walkEnds.add(
              WalkEnd.workflowFailed(
                  batch.get(i).input().host(), "its walk did not start: " + refused.get(i)));
        }
      }
    }
  }

  /**
   * Waits until the task that chose the walks to start is recorded, so that none starts before: a
   * walk that ends before the task that starts it is recorded (the worker died, the task failed)
   * then reports to a rollout that has it in flight, and the start asked again is the same start
   * (its request ID). The wait is a signal to a workflow that is never started ({@link #RECORDED}):
   * Temporal sends it once the task is recorded and answers at once that nobody is there, a new
   * task. (A rollout may not signal itself, and a timer fires up to a second late.)
   */
  private void recorded() {
    try {
      Workflow.newUntypedExternalWorkflowStub(Workflow.getInfo().getWorkflowId() + RECORDED)
          .signal(RolloutWorkflow.WAKE);
    } catch (ApplicationFailure nobody) {
      // The answer expected: no such workflow.
    }
  }

  /**
   * A host walk's options: its ID, left running or cancelled when its rollout's run closes ({@code
   * crossRuns}), a summary for the Web UI and, when the rollout keeps them, its search attributes.
   */
  static ChildWorkflowOptions options(
      RolloutRequest request, String workflowId, String host, boolean crossRuns) {
    ChildWorkflowOptions.Builder options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(workflowId)
            .setParentClosePolicy(
                crossRuns
                    ? ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON
                    : ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
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
    for (String host : List.copyOf(state.walks)) {
      if (!finished(host)) {
        continue;
      }
      HostOutcome outcome = reported(host).orElseGet(() -> outcomeOf(host, started.get(host)));
      state.walks.remove(host);
      state.walkEnds.removeIf(o -> o.host().equals(host));
      started.remove(host);
      executions.remove(host);
      for (HealthCheckResult g : outcome.healthChecks()) {
        state.remember(g);
        act.accept(g);
      }
      if (outcome.outcome() == Outcome.HELD) {
        state.walk.retry.addFirst(host); // walked first once the check is dealt with
        continue;
      }
      record(outcome);
    }
    if (byDomain()) {
      Set<String> waiting = new HashSet<>(state.steering.awaitingHosts());
      state.domains.keepOnly(
          h -> state.walks.contains(h) || state.walk.retry.contains(h) || waiting.contains(h));
    }
  }

  private static HostOutcome outcomeOf(String host, Promise<HostOutcome> promise) {
    try {
      return promise.get();
    } catch (ChildWorkflowFailure failed) {
      if (failed.getCause() instanceof CanceledFailure) {
        return WalkEnd.cancelled(host);
      }
      return WalkEnd.workflowFailed(host, Failures.oneLine(failed));
    } catch (RuntimeException failed) {
      return WalkEnd.workflowFailed(host, Failures.oneLine(failed));
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

package dev.amble.rollout;

import dev.amble.amblefile.HealthCheck;
import dev.amble.amblefile.Strategy;
import dev.amble.failure.Failures;
import dev.amble.health.HealthCheckResult;
import dev.amble.health.HealthChecks;
import dev.amble.host.HostInput;
import dev.amble.host.HostOutcome;
import dev.amble.host.HostWorkflow;
import dev.amble.host.Outcome;
import dev.amble.notify.RolloutNotices;
import dev.amble.pages.Page;
import dev.amble.pages.PageActivities;
import dev.amble.pages.PageLine;
import dev.amble.pages.PageWorkflow;
import dev.amble.pages.Pages;
import dev.amble.plan.Waves;
import dev.amble.visibility.AmbleSearchAttributes;
import dev.amble.visibility.Descriptions;
import dev.amble.window.WindowGate;
import dev.amble.window.WindowStatus;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The rolling run: plan (the walk order kept as pages in Temporal), then waves of hosts (one wave
 * of every host unless the workspace says otherwise), each walked with up to its concurrency of
 * host workflows in flight, with health checks around hosts and waves and every interval, a failure
 * budget, catch and release, and cancel. Its state ({@link RolloutState}) is bounded whatever the
 * fleet's size, and one place ({@link #run}) decides to continue as new, between stages or when a
 * stage yields.
 *
 * <p>A history begun by amble's first engine has no {@value #ENGINE} version marker: it goes on in
 * {@link LegacyRollout}, unchanged.
 */
public final class RolloutWorkflowImpl implements RolloutWorkflow {
  /** The version marker that chooses the engine. */
  static final String ENGINE = "rollout-engine";

  /** The engine that keeps pages. */
  static final int PAGED = 1;

  /** The version marker that chooses how host walks are named. */
  static final String HOST_IDS = "host-walk-ids";

  /**
   * A host walk's ID is the rollout's own workflow ID, {@code /}, the host (so a rollout under
   * {@code amble/PROJECT/WORKSPACE} walks {@code amble/PROJECT/WORKSPACE/HOST}); before it, {@code
   * amble/WORKSPACE/HOST} whatever the rollout's ID. For a rollout amble started (under {@code
   * amble/WORKSPACE}) the two are the same; the marker keeps a history of any other ID as it was.
   */
  static final int OWN_ID = 1;

  /** The version marker after which stale steering is refused ({@link StaleSteering}). */
  static final String NAMED_STEERING = "named-steering";

  /** At most this many wave sizes are shown by status. */
  static final int WAVE_SIZES_SHOWN = 100;

  private static final ActivityOptions WORKSPACE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setHeartbeatTimeout(Duration.ofMinutes(2))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .setMaximumAttempts(10)
                  .build())
          .build();

  private final WorkspaceActivities workspace =
      Workflow.newActivityStub(WorkspaceActivities.class, WORKSPACE_OPTIONS);

  private final PageActivities pageReader =
      Workflow.newActivityStub(
          PageActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofMinutes(2))
              .setRetryOptions(
                  RetryOptions.newBuilder()
                      .setInitialInterval(Duration.ofSeconds(1))
                      .setMaximumInterval(Duration.ofMinutes(1))
                      .build())
              .build());

  private final RolloutInput input;
  private final RolloutRequest request;
  private final Strategy strategy;
  private final RolloutState state;
  private final WindowGate gate;
  private final RolloutNotices notices;

  /** A wait for the maintenance window ran its whole length: the run continues as new. */
  private boolean waitedLong;

  /** A first engine's walk order, still to be kept as pages (a rollout it continued as new). */
  private Optional<List<String>> legacyWalk = Optional.empty();

  /** Decided at the first step: empty until then. */
  private Optional<Boolean> paged = Optional.empty();

  private LegacyRollout legacy;

  /** Whether this run refuses stale steering, decided as it starts ({@link #NAMED_STEERING}). */
  private boolean refusesStaleSteering;

  /** How this run names its host walks, decided at its first host: empty until then. */
  private Optional<Boolean> hostIdsFromOwnId = Optional.empty();

  // What a run holds and does not carry: the hosts in flight, the walk page read last.
  private final Map<String, Promise<HostOutcome>> inFlight = new LinkedHashMap<>();
  private Optional<Page> page = Optional.empty();
  private RolloutSummary recorded;
  private boolean checksStop;
  private Optional<Promise<Void>> continuous = Optional.empty();

  @WorkflowInit
  public RolloutWorkflowImpl(RolloutInput input) {
    this.input = input;
    this.request = input.request();
    this.strategy = request.definition().workspace().strategy();
    if (input.state().isPresent()) {
      state = input.state().get();
    } else if (input.carried().isPresent()) {
      RolloutStateV1 v1 = input.carried().get();
      state = v1.toState(new FailureBudget(strategy, v1.walkTotal()));
      legacyWalk = Optional.of(v1.walkOrder());
    } else {
      state = new RolloutState();
    }
    notices = new RolloutNotices(request.definition());
    gate =
        request.ignoreWindows()
            ? WindowGate.none()
            : new WindowGate(request.definition().workspace().windows(), state.window);
  }

  private FailureBudget budget() {
    return new FailureBudget(strategy, state.walkTotal);
  }

  /** Whether this history runs the current engine; decided once, recorded as a version marker. */
  private boolean paged() {
    if (paged.isEmpty()) {
      boolean current = Workflow.getVersion(ENGINE, Workflow.DEFAULT_VERSION, PAGED) == PAGED;
      paged = Optional.of(current);
      if (!current) {
        legacy = new LegacyRollout();
      }
    }
    return paged.get();
  }

  @Override
  public RolloutStatus run(RolloutInput ignored) {
    if (!paged()) {
      return legacy.run(input);
    }
    notices.sends();
    refusesStaleSteering = Workflow.getVersion(NAMED_STEERING, Workflow.DEFAULT_VERSION, 1) == 1;
    try {
      if (legacyWalk.isPresent()) {
        adoptLegacyWalk();
      }
      gate.refresh();
      startContinuousChecks();
      while (state.stage != Stage.ENDED) {
        if (continueAsNewDue() && inFlight.isEmpty() && state.stage != Stage.ENDING) {
          continueAsNew();
        }
        state.stage = state.stage.to(Stage.Event.STEP, step(state.stage));
      }
    } catch (CanceledFailure cancelled) {
      Workflow.newDetachedCancellationScope(this::endCancelled).run();
      throw cancelled;
    }
    record();
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  /** Runs the stage, or part of it; returns the stage to go on with (the same one to yield). */
  private Stage step(Stage stage) {
    keepFullFailedPages();
    return switch (stage) {
      case PLANNING -> plan();
      case NEXT_WAVE -> nextWave();
      case PRE_CHECKS -> {
        if (!runWaveChecks(strategy.preChecks().wave(), "pre")) {
          yield Stage.PRE_CHECKS;
        }
        yield state.stopping() ? Stage.ENDING : Stage.WALKING;
      }
      case WALKING -> walkWave();
      case BAKING -> {
        if (!waitUntil()) {
          yield Stage.BAKING;
        }
        state.healthCheck = 0;
        yield Stage.POST_CHECKS;
      }
      case POST_CHECKS -> afterWave();
      case PAUSING -> waitUntil() ? Stage.NEXT_WAVE : Stage.PAUSING;
      case ENDING -> end();
      case ENDED -> Stage.ENDED;
    };
  }

  /**
   * A rollout the first engine continued as new: its walk order, which it carried, kept as pages;
   * it goes on at the stage it was in.
   */
  private void adoptLegacyWalk() {
    String prefix = Pages.prefix(Workflow.getInfo().getWorkflowId(), rolloutId());
    List<String> order = legacyWalk.get();
    int pages = 0;
    for (int from = 0; from < order.size(); from += Pages.WALK_PAGE_SIZE) {
      List<PageLine> lines =
          order.subList(from, Math.min(order.size(), from + Pages.WALK_PAGE_SIZE)).stream()
              .map(PageLine::walk)
              .toList();
      keepPage(Pages.id(prefix, "walk.v1", pages), new Page("walk.v1", pages, lines));
      pages++;
    }
    state.plan =
        Optional.of(
            new PlanSummary(
                prefix,
                "walk.v1",
                order.size(),
                pages,
                Pages.WALK_PAGE_SIZE,
                "",
                0,
                0,
                state.total,
                List.of()));
    legacyWalk = Optional.empty();
  }

  private Stage plan() {
    String prefix = Pages.prefix(Workflow.getInfo().getWorkflowId(), rolloutId());
    state.rollout = Workflow.getInfo().getFirstExecutionRunId();
    if (request.ignoreWindows() && request.definition().workspace().windows().isPresent()) {
      state.steering.record(
          "ignore-windows",
          request.startedBy(),
          "started with --ignore-windows: hosts start outside the maintenance windows",
          now());
    }
    record();
    SyntaxCheck.beforeFirstHost(workspace, request);
    PlanSummary plan =
        workspace.planPages(
            new PlanPagesRequest(request.definition(), request.limit(), request.seed(), prefix));
    state.plan = Optional.of(plan);
    state.total = plan.total();
    state.walkTotal = plan.walk();
    state.report.count(Outcome.SKIPPED, plan.skippedHosts());
    notices.started(request.startedBy(), plan.total(), plan.walk(), plan.skippedHosts());
    return Stage.NEXT_WAVE;
  }

  private String rolloutId() {
    return state.rollout.isEmpty() ? Workflow.getInfo().getFirstExecutionRunId() : state.rollout;
  }

  /** Between waves: waits while caught, then the next wave's pre-checks, or the end. */
  private Stage nextWave() {
    if (state.steering.caught() && !state.stopping()) {
      record();
      Workflow.await(() -> !state.steering.caught() || state.stopping() || continueAsNewDue());
      if (state.steering.caught() && !state.stopping()) {
        return Stage.NEXT_WAVE; // continues as new
      }
    }
    if (state.stopping() || state.walk.orderDone(state.walk())) {
      return Stage.ENDING;
    }
    gate.refresh();
    if (!gate.open()) {
      awaitWindow(() -> state.stopping() || state.steering.caught() || continueAsNewDue());
      return Stage.NEXT_WAVE; // the window opened, or the rollout stops, is caught, goes on anew
    }
    state.walk.startWave(
        Waves.size(strategy.waves(), state.walkTotal, state.walk.wave + 1), state.walk());
    state.healthCheck = 0;
    return Stage.PRE_CHECKS;
  }

  /**
   * The current wave, its hosts in flight up to the concurrency, until each of its hosts is done.
   */
  private Stage walkWave() {
    Supplier<Boolean> ready =
        () ->
            anyFinished()
                || canStart()
                || waveDone()
                || (state.stopping() && inFlight.isEmpty())
                || (continueAsNewDue() && inFlight.isEmpty());
    while (true) {
      record();
      gate.refresh();
      if (wantsStart() && !gate.open()) {
        awaitWindow(ready);
      } else {
        // A host may want to start once the window has closed (a release): wait for it then.
        Workflow.await(() -> ready.get() || (wantsStart() && !gate.open()));
      }
      collectFinished();
      keepFullFailedPages();
      if (state.stopping() && inFlight.isEmpty()) {
        return Stage.ENDING;
      }
      if (waveDone()) {
        state.healthCheck = 0;
        if (strategy.bakeTime().isZero()) {
          return Stage.POST_CHECKS;
        }
        state.until = Workflow.currentTimeMillis() + strategy.bakeTime().toMillis();
        return Stage.BAKING;
      }
      if (continueAsNewDue() && inFlight.isEmpty()) {
        return Stage.WALKING; // continues as new
      }
      while (canStart()) {
        start(nextHost());
      }
    }
  }

  /** After the wave's post-checks: the pause, a manual pause's catch, the next wave or the end. */
  private Stage afterWave() {
    if (!runWaveChecks(strategy.postChecks().wave(), "post")) {
      return Stage.POST_CHECKS;
    }
    if (state.stopping()) {
      return Stage.ENDING;
    }
    notices.waveDone(
        state.walk.wave, Waves.count(strategy.waves(), state.walkTotal), state.walk.waveFailures);
    if (state.walk.orderDone(state.walk())) {
      return Stage.NEXT_WAVE;
    }
    if (strategy.manualPause()) {
      catchBy(
          "amble",
          "wave " + state.walk.wave + " is done; release to start wave " + (state.walk.wave + 1),
          "pause");
    } else if (strategy.pauseBetweenWaves().isPresent()) {
      state.until = Workflow.currentTimeMillis() + strategy.pauseBetweenWaves().get().toMillis();
      return Stage.PAUSING;
    }
    return Stage.NEXT_WAVE;
  }

  /**
   * Baking or pausing until {@link RolloutState#until}; returns whether the wait is over (the
   * deadline, or the rollout stopping), false to continue as new.
   */
  private boolean waitUntil() {
    record();
    while (!state.stopping()) {
      long left = state.until - Workflow.currentTimeMillis();
      if (left <= 0) {
        return true;
      }
      if (!Workflow.await(Duration.ofMillis(left), () -> state.stopping() || continueAsNewDue())) {
        return true;
      }
      if (!state.stopping() && continueAsNewDue()) {
        return false;
      }
    }
    return true;
  }

  /** Everything is done, aborted or cancelled: pages closed, why it ended said. */
  private Stage end() {
    stopContinuousChecks();
    keepFullFailedPages();
    closePages();
    state.ended = endedBecause();
    notices.ended(
        state.cancel.isPresent() ? "cancelled" : state.aborted ? "aborted" : "done",
        state.ended,
        state.report.counts);
    notices.flush();
    return Stage.ENDED;
  }

  /** Temporal's cancellation (amble cancel --now, the Web UI): hosts in flight end, then pages. */
  private void endCancelled() {
    if (state.cancel.isEmpty()) {
      state.cancel =
          Optional.of(
              new CancelRequest(
                  "",
                  "Temporal's cancellation (the Web UI's Request Cancellation, or the API)",
                  true,
                  state.rollout));
      state.steering.record("cancel --now", state.cancel.get().by(), "", now());
    }
    Workflow.await(() -> inFlight.values().stream().allMatch(Promise::isCompleted));
    collectFinished();
    state.stage = state.stage.to(Stage.Event.CANCEL, end());
    record();
  }

  private String endedBecause() {
    if (state.cancel.isPresent()) {
      CancelRequest c = state.cancel.get();
      return "cancelled by "
          + c.by()
          + (c.reason().isBlank() ? "" : ": " + c.reason())
          + (c.now() ? " (now: the jobs in flight were stopped, their exit jobs ran)" : "");
    }
    if (state.aborted) {
      return "aborted: "
          + state.steering.log.stream()
              .filter(s -> s.kind().equals("abort"))
              .reduce((a, b) -> b)
              .map(Steering::reason)
              .orElse("a health check failed");
    }
    Report r = state.report;
    return "done: "
        + r.count(Outcome.SUCCEEDED)
        + " succeeded, "
        + r.count(Outcome.CHECKED)
        + " checked, "
        + r.count(Outcome.SKIPPED)
        + " skipped, "
        + r.failedTotal()
        + " failed";
  }

  private Phase phase() {
    if (state.stage == Stage.ENDED) {
      if (state.cancel.isPresent()) {
        return Phase.CANCELLED;
      }
      return state.aborted ? Phase.ABORTED : Phase.DONE;
    }
    if (state.stage == Stage.PLANNING) {
      return Phase.PLANNING;
    }
    if (state.stopping()) {
      return Phase.DRAINING;
    }
    if (state.steering.caught()) {
      return inFlight.isEmpty() ? Phase.CAUGHT : Phase.DRAINING;
    }
    if (inFlight.isEmpty()
        && (state.stage == Stage.NEXT_WAVE || state.stage == Stage.WALKING)
        && !gate.open()) {
      return Phase.WAITING;
    }
    return switch (state.stage) {
      case BAKING -> Phase.BAKING;
      case PAUSING -> Phase.PAUSING;
      default -> Phase.WALKING;
    };
  }

  private boolean waveDone() {
    return !state.walk.waveHasNext() && inFlight.isEmpty() && state.steering.awaiting.isEmpty();
  }

  private boolean canStart() {
    return gate.open() && wantsStart();
  }

  /** A host would start now, were the maintenance window open. */
  private boolean wantsStart() {
    return !state.steering.caught()
        && !state.stopping()
        && !continueAsNewDue()
        && state.walk.waveHasNext()
        && inFlight.size() < request.concurrency();
  }

  private boolean anyFinished() {
    return Runs.anyFinished(inFlight.values());
  }

  private boolean continueAsNewDue() {
    return waitedLong || Runs.continueAsNewDue(request);
  }

  /**
   * Waits for the maintenance window to open, or for {@code done}; a wait that ran its whole length
   * ({@link WindowGate#LONG_WAIT}) with nothing in flight makes the run continue as new.
   */
  private void awaitWindow(Supplier<Boolean> done) {
    record();
    if (!gate.await(done) && !done.get() && inFlight.isEmpty()) {
      waitedLong = true;
    }
    record();
  }

  /** The one place a run ends to go on as a new one, with the state as it is. */
  private void continueAsNew() {
    stopContinuousChecks();
    notices.flush();
    Workflow.await(Workflow::isEveryHandlerFinished);
    notices.flush(); // what a handler sent meanwhile
    state.runs++;
    state.window = gate.period();
    state.stage = state.stage.to(Stage.Event.CONTINUE_AS_NEW, state.stage);
    Workflow.continueAsNew(new RolloutInput(request, Optional.empty(), Optional.of(state)));
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
    ChildWorkflowOptions.Builder options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(hostWorkflowId(host))
            .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_REQUEST_CANCEL)
            .setWorkflowIdReusePolicy(
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
            .setStaticSummary(Descriptions.hostSummary(request.workspace(), host));
    if (request.searchAttributes()) {
      options.setTypedSearchAttributes(AmbleSearchAttributes.host(request.workspace(), host));
    }
    HostWorkflow child = Workflow.newChildWorkflowStub(HostWorkflow.class, options.build());
    HostInput hostInput =
        new HostInput(
            request.ignoreWindows() ? request.definition().withoutWindows() : request.definition(),
            host,
            rolloutId(),
            request.dryRun(),
            request.stompLocks(),
            request.heartbeatTimeout(),
            request.searchAttributes(),
            state.walk.wave);
    inFlight.put(host, Async.function(child::walk, hostInput));
  }

  /** The host's walk ID: see {@link #OWN_ID}. */
  private String hostWorkflowId(String host) {
    if (hostIdsFromOwnId.isEmpty()) {
      hostIdsFromOwnId =
          Optional.of(Workflow.getVersion(HOST_IDS, Workflow.DEFAULT_VERSION, OWN_ID) == OWN_ID);
    }
    return hostIdsFromOwnId.get()
        ? RolloutRequest.hostWorkflowId(Workflow.getInfo().getWorkflowId(), host)
        : RolloutRequest.hostWorkflowId(RolloutRequest.oldWorkflowId(request.workspace()), host);
  }

  /**
   * Records every finished host, in the order they were started, and acts on what it says: its
   * failed health checks, and a failure over the budget, which catches the rollout.
   */
  private void collectFinished() {
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
        act(g);
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
    if (budget().counts(outcome.outcome())) {
      state.failures++;
      state.walk.waveFailures++;
      if (budget().over(state.failures, state.walk.waveFailures, state.walk.waveSize())) {
        state.steering.awaiting.add(line.brief());
        catchBy(
            "amble",
            "host "
                + outcome.host()
                + " "
                + outcome.outcome().word()
                + ": "
                + outcome.reason()
                + budget()
                    .note(
                        state.failures,
                        state.walk.wave,
                        state.walk.waveFailures,
                        state.walk.waveSize()),
            "auto-catch",
            Optional.of(outcome.host()));
        return;
      }
    }
    if (outcome.outcome().isListed()) {
      state.report.list(line);
    }
  }

  /**
   * Keeps a page of failed hosts in Temporal whenever one is full; fewer stay in the state, which
   * status and the result show.
   */
  private void keepFullFailedPages() {
    while (state.report.pageFull()) {
      int index = state.report.failedPages;
      List<PageLine> lines = state.report.takePage();
      String prefix = state.plan.map(PlanSummary::prefix).orElseThrow();
      keepPage(Pages.id(prefix, Pages.FAILED, index), new Page(Pages.FAILED, index, lines));
    }
  }

  /** Starts a page's workflow, which outlives this run (it is abandoned, not cancelled). */
  private void keepPage(String id, Page content) {
    PageWorkflow holder =
        Workflow.newChildWorkflowStub(
            PageWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .build());
    Async.procedure(holder::hold, content);
    Workflow.getWorkflowExecution(holder).get();
  }

  /** Closes every page of the rollout: they are kept for the namespace's retention, then go. */
  private void closePages() {
    if (state.plan.isEmpty()) {
      return;
    }
    PlanSummary plan = state.plan.get();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < plan.walkPages(); i++) {
      ids.add(Pages.id(plan.prefix(), plan.walkList(), i));
    }
    for (int i = 0; i < plan.skippedPages(); i++) {
      ids.add(Pages.id(plan.prefix(), plan.skippedList(), i));
    }
    for (int i = 0; i < state.report.failedPages; i++) {
      ids.add(Pages.id(plan.prefix(), Pages.FAILED, i));
    }
    List<Promise<Void>> signals = new ArrayList<>();
    for (String id : ids) {
      PageWorkflow holder = Workflow.newExternalWorkflowStub(PageWorkflow.class, id);
      signals.add(Async.procedure(holder::close));
    }
    for (Promise<Void> p : signals) {
      try {
        p.get();
      } catch (RuntimeException gone) {
        // a page someone terminated: nothing to close
      }
    }
  }

  /**
   * Runs the wave's health checks of one list from {@link RolloutState#health check}. While the
   * rollout is caught (by one of them, or before), no check runs: it waits for the release, which
   * goes on past the check that caught it. Returns false to continue as new while held (it resumes
   * at the next check).
   */
  private boolean runWaveChecks(List<HealthCheck> checks, String when) {
    while (true) {
      if (state.stopping()) {
        return true;
      }
      if (state.steering.caught() && !awaitRelease()) {
        return false;
      }
      if (state.stopping() || state.healthCheck >= checks.size()) {
        return true;
      }
      HealthCheck check = checks.get(state.healthCheck);
      state.healthCheck++;
      HealthCheckResult r =
          HealthChecks.run(
              request.definition(),
              check,
              Optional.empty(),
              state.walk.wave,
              "wave " + state.walk.wave + " (" + when + ")",
              request.heartbeatTimeout(),
              request.dryRun());
      state.remember(r);
      act(r);
    }
  }

  /** Waits while caught; returns false when the rollout should continue as new first. */
  private boolean awaitRelease() {
    record();
    Workflow.await(() -> !state.steering.caught() || state.stopping() || continueAsNewDue());
    record();
    return !state.steering.caught() || state.stopping();
  }

  /** What a failed health check does: nothing more than being recorded, a catch, or an abort. */
  private void act(HealthCheckResult r) {
    if (r.passed()) {
      return;
    }
    notices.healthCheckFailed(HealthChecks.describe(r), r.onFailure().word());
    switch (r.onFailure()) {
      case CATCH -> catchBy("amble", HealthChecks.describe(r), "health-check-catch");
      case ABORT -> {
        if (!state.aborted) {
          state.aborted = true;
          state.steering.record("abort", "amble", HealthChecks.describe(r), now());
        }
      }
      case CONTINUE -> {}
    }
  }

  private void startContinuousChecks() {
    checksStop = false;
    strategy
        .continuousChecks()
        .ifPresent(
            c ->
                continuous =
                    Optional.of(
                        Async.procedure(
                            () -> {
                              while (true) {
                                Workflow.await(c.interval(), () -> checksStop);
                                if (checksStop) {
                                  return;
                                }
                                for (HealthCheck g : c.checks()) {
                                  if (checksStop || state.stopping()) {
                                    break;
                                  }
                                  HealthCheckResult r =
                                      HealthChecks.run(
                                          request.definition(),
                                          g,
                                          Optional.empty(),
                                          state.walk.wave,
                                          "continuous",
                                          request.heartbeatTimeout(),
                                          request.dryRun());
                                  state.remember(r);
                                  act(r);
                                }
                                record();
                              }
                            })));
  }

  private void stopContinuousChecks() {
    checksStop = true;
    try {
      continuous.ifPresent(Promise::get);
    } catch (CanceledFailure cancelled) {
      // the rollout was cancelled in the middle of a check
    }
    continuous = Optional.empty();
  }

  /**
   * Catches the rollout, if it is not caught already; steering records it (and every catch by an
   * operator, who may add a reason to a catch in place).
   */
  private void catchBy(String by, String reason, String kind) {
    catchBy(by, reason, kind, Optional.empty());
  }

  /** {@link #catchBy}, for a host's failure: its notification names the host. */
  private void catchBy(String by, String reason, String kind, Optional<String> host) {
    boolean took = state.steering.catchNow(by, reason, now());
    if (took) {
      notices.caught(by, reason, host);
    }
    if (took || kind.equals("catch")) {
      state.steering.record(kind, by, reason, now());
    }
  }

  private void applyCatch(CatchRequest r) {
    String reason = r.reason() == null || r.reason().isBlank() ? "caught by " + r.by() : r.reason();
    catchBy(r.by(), reason, "catch");
  }

  private void applyRelease(ReleaseRequest r) {
    if (!state.steering.caught()) {
      return;
    }
    List<PageLine> waited = state.steering.release();
    if (r.skipFailed()) {
      waited.forEach(state.report::list);
    } else {
      state.walk.retryFirst(waited.stream().map(PageLine::host).toList());
      for (PageLine line : waited) {
        Outcome o = Outcome.valueOf(line.outcome().toUpperCase(java.util.Locale.ROOT));
        state.report.count(o, -1);
        if (budget().counts(o)) {
          state.failures--;
          state.walk.waveFailures = Math.max(0, state.walk.waveFailures - 1);
        }
      }
    }
    state.steering.record(r.skipFailed() ? "release --skip-failed" : "release", r.by(), "", now());
    notices.released(r.by(), r.skipFailed());
  }

  private void applyCancel(CancelRequest r) {
    if (state.cancel.isEmpty() || (r.now() && !state.cancel.get().now())) {
      state.cancel = Optional.of(r);
      state.steering.record(r.now() ? "cancel --now" : "cancel", r.by(), r.reason(), now());
    }
  }

  /** Signals may come from the Web UI, typed by hand: an empty input or field is tolerated. */
  private static String by(String by) {
    return by == null || by.isBlank() ? "the Web UI" : by;
  }

  @Override
  public void catchSignal(CatchRequest r) {
    CatchRequest request =
        new CatchRequest(
            r == null || r.reason() == null ? "" : r.reason(),
            by(r == null ? null : r.by()),
            r == null || r.rollout() == null ? "" : r.rollout());
    if (paged()) {
      if (refused("catch", staleCatch(request))) {
        return;
      }
      applyCatch(request);
      record();
    } else {
      legacy.catchSignal(request);
    }
  }

  @Override
  public void releaseSignal(ReleaseRequest r) {
    ReleaseRequest request =
        new ReleaseRequest(
            r != null && r.skipFailed(),
            by(r == null ? null : r.by()),
            r == null || r.rollout() == null ? "" : r.rollout(),
            r == null ? 0 : r.caught());
    if (paged()) {
      if (refused("release", staleRelease(request))) {
        return;
      }
      applyRelease(request);
      record();
    } else {
      legacy.releaseSignal(request);
    }
  }

  @Override
  public void cancelSignal(CancelRequest r) {
    CancelRequest request =
        new CancelRequest(
            r == null || r.reason() == null ? "" : r.reason(),
            by(r == null ? null : r.by()),
            r != null && r.now(),
            r == null || r.rollout() == null ? "" : r.rollout());
    if (paged()) {
      if (refused("cancel", staleCancel(request))) {
        return;
      }
      applyCancel(request);
      record();
    } else {
      legacy.cancel(request);
    }
  }

  /**
   * A signal this rollout refuses as stale is dropped, and the workflow's log says so: a signal has
   * no answer to carry the refusal.
   */
  private static boolean refused(String kind, Optional<String> why) {
    why.ifPresent(
        reason ->
            Workflow.getLogger(RolloutWorkflowImpl.class).warn("{} refused: {}", kind, reason));
    return why.isPresent();
  }

  private Optional<String> staleCatch(CatchRequest r) {
    return refusesStaleSteering
        ? StaleSteering.named(r.rollout(), state.rollout)
        : Optional.empty();
  }

  private Optional<String> staleRelease(ReleaseRequest r) {
    return refusesStaleSteering
        ? StaleSteering.release(r, state.rollout, state.steering.caught)
        : Optional.empty();
  }

  private Optional<String> staleCancel(CancelRequest r) {
    return refusesStaleSteering
        ? StaleSteering.named(r.rollout(), state.rollout)
        : Optional.empty();
  }

  @Override
  public RolloutStatus catchRollout(CatchRequest r) {
    if (!paged()) {
      return legacy.catchRollout(r);
    }
    applyCatch(r);
    record();
    return status();
  }

  @Override
  public RolloutStatus releaseRollout(ReleaseRequest r) {
    if (!paged()) {
      return legacy.releaseRollout(r);
    }
    applyRelease(r);
    record();
    return status();
  }

  @Override
  public RolloutStatus cancelRollout(CancelRequest r) {
    if (!paged()) {
      legacy.cancel(r);
      return legacy.status();
    }
    applyCancel(r);
    record();
    return status();
  }

  @Override
  public void validateRelease(ReleaseRequest r) {
    if (legacy != null) {
      legacy.validateRelease(r);
    } else if (!state.steering.caught()) {
      throw new IllegalStateException("the rollout is not caught (phase " + phase().word() + ")");
    } else {
      staleRelease(r).ifPresent(StaleSteering::refuse);
    }
  }

  @Override
  public void validateCatch(CatchRequest r) {
    if (legacy != null) {
      legacy.validateCatch(r);
    } else if (phase().ended()) {
      throw new IllegalStateException("the rollout is " + phase().word());
    } else {
      staleCatch(r).ifPresent(StaleSteering::refuse);
    }
  }

  @Override
  public void validateCancel(CancelRequest r) {
    Phase now = legacy != null ? Phase.of(legacy.status().phase()) : phase();
    if (now.ended()) {
      throw new IllegalStateException("the rollout is " + now.word());
    }
    if (legacy == null) {
      staleCancel(r).ifPresent(StaleSteering::refuse);
    }
  }

  @Override
  public RolloutStatus status() {
    if (legacy != null) {
      return legacy.status();
    }
    return status(request, state, phase(), List.copyOf(inFlight.keySet()), rolloutId());
  }

  /** The status of a rollout in this state: a pure function, bounded as the state is. */
  static RolloutStatus status(
      RolloutRequest request,
      RolloutState state,
      Phase phase,
      List<String> inFlight,
      String rollout) {
    Strategy strategy = request.definition().workspace().strategy();
    FailureBudget budget = new FailureBudget(strategy, state.walkTotal);
    Map<String, HostResult> results = new LinkedHashMap<>();
    for (PageLine l : state.steering.awaiting) {
      results.put(l.host(), result(l));
    }
    for (PageLine l : state.report.failed) {
      results.put(l.host(), result(l));
    }
    return new RolloutStatus(
        request.workspace(),
        request.definition().workflow().name(),
        rollout,
        request.dryRun(),
        request.startedBy(),
        phase.word(),
        state.total,
        new java.util.TreeMap<>(state.report.counts),
        state.walk.left(state.walk()) + state.steering.awaiting.size(),
        inFlight,
        results,
        state.steering.awaitingHosts(),
        state.steering.caught,
        List.copyOf(state.steering.log),
        state.runs,
        new Progress(
            state.walk.wave,
            Waves.count(strategy.waves(), state.walkTotal),
            Waves.firstSizes(strategy.waves(), state.walkTotal, WAVE_SIZES_SHOWN),
            state.failures,
            budget.max(),
            state.walk.waveFailures,
            budget.maxPerWave(state.walk.waveSize()),
            List.copyOf(state.checks)),
        request.seed(),
        state.ended,
        state.plan.map(PlanSummary::prefix).orElse(""),
        state.report.failedPages,
        state.report.failedTotal(),
        request.definition().content(),
        state.window.flatMap(
            p ->
                request
                    .definition()
                    .workspace()
                    .windows()
                    .map(w -> WindowStatus.of(w.timeZone(), p))));
  }

  private static HostResult result(PageLine l) {
    return new HostResult(
        Outcome.valueOf(l.outcome().toUpperCase(java.util.Locale.ROOT)), l.reason());
  }

  /**
   * Keeps the summary in the memo whenever it changed (one event each time), the phase in the
   * AmbleOutcome search attribute, and the Web UI's current details.
   */
  private void record() {
    state.window = gate.period();
    RolloutStatus status = status();
    Workflow.setCurrentDetails(
        Descriptions.rolloutNow(status, Instant.ofEpochMilli(Workflow.currentTimeMillis())));
    RolloutSummary now = RolloutSummary.of(status);
    if (!now.equals(recorded)) {
      Workflow.upsertMemo(Map.of(RolloutSummary.MEMO_KEY, now));
      if (request.searchAttributes()
          && (recorded == null || !recorded.phase().equals(now.phase()))) {
        Workflow.upsertTypedSearchAttributes(AmbleSearchAttributes.OUTCOME.valueSet(now.phase()));
      }
      recorded = now;
    }
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}

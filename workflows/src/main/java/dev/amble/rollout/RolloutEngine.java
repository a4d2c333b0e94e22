package dev.amble.rollout;

import dev.amble.amblefile.Strategy;
import dev.amble.failure.Retries;
import dev.amble.host.Outcome;
import dev.amble.host.WalkEnd;
import dev.amble.notify.RolloutNotices;
import dev.amble.pages.Pages;
import dev.amble.plan.Waves;
import dev.amble.window.WindowGate;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The current engine's walk through its stages ({@link Stage}): plan, then waves of hosts, each
 * walked with up to its concurrency of host walks in flight, with health checks around hosts and
 * waves, a failure budget, catch and release, and cancel. One place ({@link #run}) decides to
 * continue as new, between stages or when a stage yields.
 */
final class RolloutEngine {
  /** The workspace activities' options (planning, the syntax check); the first engine's too. */
  static final ActivityOptions WORKSPACE_OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(30))
          .setHeartbeatTimeout(Duration.ofMinutes(2))
          .setRetryOptions(Retries.backoff(Duration.ofSeconds(2), Duration.ofMinutes(1), 10))
          .build();

  /**
   * The version marker after which a rollout cancelled while planning ends as from any other stage:
   * its memo says cancelled, its notices say it ended.
   */
  static final String PLANNING_CANCEL = "planning-cancel";

  private final WorkspaceActivities workspace =
      Workflow.newActivityStub(WorkspaceActivities.class, WORKSPACE_OPTIONS);

  private final RolloutRequest request;
  private final Strategy strategy;
  private final RolloutState state;
  private final WindowGate gate;
  private final RolloutNotices notices;
  private final RolloutSteering steering;
  private final HostWalks hosts;
  private final RolloutView view;
  private final WaveChecks checks;
  private final RolloutPages pages;

  /** A first engine's walk order, still to be kept as pages (a rollout it continued as new). */
  private Optional<List<String>> legacyWalkOrder;

  /** A wait for the maintenance window ran its whole length: the run continues as new. */
  private boolean waitedLong;

  RolloutEngine(
      RolloutRequest request,
      RolloutState state,
      Optional<List<String>> legacyWalkOrder,
      WindowGate gate,
      RolloutNotices notices) {
    this.request = request;
    this.strategy = request.definition().workspace().strategy();
    this.state = state;
    this.legacyWalkOrder = legacyWalkOrder;
    this.gate = gate;
    this.notices = notices;
    this.steering = new RolloutSteering(strategy, state, notices);
    this.hosts = new HostWalks(request, state, steering);
    this.view = new RolloutView(request, state, gate, hosts);
    this.checks = new WaveChecks(request, state, steering, notices, view, this::continueAsNewDue);
    this.pages = new RolloutPages(state);
  }

  RolloutSteering steering() {
    return steering;
  }

  RolloutView view() {
    return view;
  }

  /** A host walk's end, reported by the walk (see {@link HostWalks#walkEnded}). */
  void walkEnded(WalkEnd end) {
    hosts.walkEnded(end);
  }

  RolloutStatus run() {
    notices.sends();
    steering.decideOnStaleSteering();
    try {
      if (legacyWalkOrder.isPresent()) {
        pages.adoptLegacyWalk(legacyWalkOrder.get());
        legacyWalkOrder = Optional.empty();
      }
      gate.refresh();
      checks.startContinuous();
      hosts.decideCrossRuns();
      while (state.stage != Stage.ENDED) {
        if (continueAsNewDue() && hosts.mayContinueAsNew() && state.stage != Stage.ENDING) {
          continueAsNew();
        }
        state.stage = state.stage.to(Stage.Event.STEP, advance(state.stage));
      }
    } catch (CanceledFailure cancelled) {
      Workflow.newDetachedCancellationScope(this::endCancelled).run();
      throw cancelled;
    } catch (ActivityFailure failed) {
      if (!(failed.getCause() instanceof CanceledFailure cancelled) || !endsCancelledPlanning()) {
        throw failed;
      }
      Workflow.newDetachedCancellationScope(this::endCancelled).run();
      throw cancelled;
    }
    view.record();
    Workflow.await(Workflow::isEveryHandlerFinished);
    return view.status();
  }

  /**
   * A planning activity cancelled by Temporal: whether the rollout ends as from any other stage
   * (decided once, a version marker, {@link #PLANNING_CANCEL}); before the marker it ended without
   * its ending.
   */
  private boolean endsCancelledPlanning() {
    return state.stage == Stage.PLANNING
        && Workflow.getVersion(PLANNING_CANCEL, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  /** Runs the stage, or part of it; returns the stage to go on with (the same one to yield). */
  private Stage advance(Stage stage) {
    pages.keepFullFailedPages();
    return switch (stage) {
      case PLANNING -> plan();
      case NEXT_WAVE -> nextWave();
      case PRE_CHECKS -> {
        if (!checks.runPre()) {
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

  private Stage plan() {
    String prefix = Pages.prefix(Workflow.getInfo().getWorkflowId(), RolloutView.rolloutId(state));
    state.rollout = Workflow.getInfo().getFirstExecutionRunId();
    if (request.ignoreWindows() && request.definition().workspace().windows().isPresent()) {
      state.steering.record(
          SteeringKind.IGNORE_WINDOWS,
          request.startedBy(),
          "started with --ignore-windows: hosts start outside the maintenance windows",
          RolloutSteering.now());
    }
    view.record();
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

  /** Between waves: waits while caught, then the next wave's pre-checks, or the end. */
  private Stage nextWave() {
    if (state.steering.caught() && !state.stopping()) {
      view.record();
      Workflow.await(() -> !state.steering.caught() || state.stopping() || continueAsNewDue());
      if (state.steering.caught() && !state.stopping()) {
        return Stage.NEXT_WAVE; // continues as new
      }
    }
    if (state.stopping() || state.walk.orderDone(state.toWalk())) {
      return Stage.ENDING;
    }
    gate.refresh();
    if (!gate.open()) {
      awaitWindow(() -> state.stopping() || state.steering.caught() || continueAsNewDue());
      return Stage.NEXT_WAVE; // the window opened, or the rollout stops, is caught, goes on anew
    }
    state.walk.startWave(
        strategy.waves(), state.walkTotal, state.toWalk(), state.plan.orElseThrow().tiers());
    state.healthCheck = 0;
    return Stage.PRE_CHECKS;
  }

  /**
   * The current wave, its hosts in flight up to the concurrency, until each of its hosts is done.
   */
  private Stage walkWave() {
    Supplier<Boolean> ready =
        () ->
            hosts.anyFinished()
                || canStart()
                || waveDone()
                || (state.stopping() && hosts.none())
                || (continueAsNewDue() && hosts.mayContinueAsNew());
    while (true) {
      view.record();
      gate.refresh();
      if (wantsStart() && !gate.open()) {
        awaitWindow(ready);
      } else {
        // A host may want to start once the window has closed (a release): wait for it then.
        Workflow.await(() -> ready.get() || (wantsStart() && !gate.open()));
      }
      hosts.collectFinished(checks::act);
      pages.keepFullFailedPages();
      if (state.stopping() && hosts.none()) {
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
      if (continueAsNewDue() && hosts.mayContinueAsNew()) {
        return Stage.WALKING; // continues as new, with its walks in flight or none
      }
      while (canStart()) {
        hosts.startNext();
      }
      hosts.startPending();
    }
  }

  /** After the wave's post-checks: the pause, a manual pause's catch, the next wave or the end. */
  private Stage afterWave() {
    if (!checks.runPost()) {
      return Stage.POST_CHECKS;
    }
    if (state.stopping()) {
      return Stage.ENDING;
    }
    notices.waveDone(
        state.walk.wave, Waves.count(strategy.waves(), state.tierHosts()), state.walk.waveFailures);
    if (state.walk.orderDone(state.toWalk())) {
      return Stage.NEXT_WAVE;
    }
    if (strategy.manualPause()) {
      steering.catchBy(
          "amble",
          "wave " + state.walk.wave + " is done; release to start wave " + (state.walk.wave + 1),
          SteeringKind.PAUSE);
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
    view.record();
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
    checks.stopContinuous();
    pages.keepFullFailedPages();
    pages.closeAll();
    state.ended = view.endedBecause();
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
      state.steering.record(
          SteeringKind.CANCEL_NOW, state.cancel.get().by(), "", RolloutSteering.now());
    }
    hosts.cancelCarried();
    Workflow.await(hosts::allFinished);
    hosts.collectFinished(checks::act);
    state.stage = state.stage.to(Stage.Event.CANCEL, end());
    view.record();
  }

  private boolean waveDone() {
    return !state.walk.waveHasNext() && hosts.none() && state.steering.awaiting.isEmpty();
  }

  private boolean canStart() {
    return gate.open() && wantsStart();
  }

  /**
   * A host would start now, were the maintenance window open: while caught, only a host {@code
   * amble retry} walks again.
   */
  private boolean wantsStart() {
    if (state.stopping() || continueAsNewDue() || hosts.count() >= request.concurrency()) {
      return false;
    }
    return state.steering.caught() ? hosts.mayRetryWhileCaught() : hosts.mayStartOne();
  }

  private boolean continueAsNewDue() {
    return waitedLong || TemporalRuns.continueAsNewDue(request);
  }

  /**
   * Waits for the maintenance window to open, or for {@code done}; a wait that ran its whole length
   * ({@link WindowGate#LONG_WAIT}) with nothing in flight makes the run continue as new.
   */
  private void awaitWindow(Supplier<Boolean> done) {
    view.record();
    if (!gate.await(done) && !done.get() && hosts.mayContinueAsNew()) {
      waitedLong = true;
    }
    view.record();
  }

  /** The one place a run ends to go on as a new one, with the state as it is. */
  private void continueAsNew() {
    checks.stopContinuous();
    notices.flush();
    Workflow.await(Workflow::isEveryHandlerFinished);
    notices.flush(); // what a handler sent meanwhile
    state.runs++;
    state.window = gate.period();
    state.stage = state.stage.to(Stage.Event.CONTINUE_AS_NEW, state.stage);
    TemporalRuns.continueAsNew(new RolloutInput(request, Optional.empty(), Optional.of(state)));
  }
}

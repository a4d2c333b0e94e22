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
import dev.amble.plan.HostOrder;
import dev.amble.plan.Waves;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * amble's first rollout engine, kept unchanged so that rollouts started before pages finish as they
 * began: their histories replay only against this code. {@link RolloutWorkflowImpl} runs it for a
 * history that has no {@code rollout-engine} version marker. A rollout it runs that continues as
 * new carries a {@link RolloutStateV1}, which the current engine takes over. Remove it once no such
 * rollout runs.
 *
 * <p>Plan, then waves of hosts, each walked with up to its concurrency of host workflows in flight,
 * with health checks around hosts and waves and every interval, a failure budget, and steering by
 * catch and release. Every host's name and result is in its state: it does not scale past some
 * thousands of hosts.
 */
final class LegacyRollout {
  /** At most this many steering acts are kept (the latest). */
  static final int STEERING_KEPT = 50;

  /** At most this many health check results are kept (the latest). */
  static final int GATES_KEPT = 20;

  /** The stage after the last: the walk is over. */
  private static final String END = "end";

  private final WorkspaceActivities workspace =
      Workflow.newActivityStub(WorkspaceActivities.class, RolloutEngine.WORKSPACE_OPTIONS);

  private RolloutRequest request;
  private Strategy strategy = Strategy.DEFAULT;
  private String rollout = "";
  private String phase = "planning";

  /** What the rollout does when nothing stops it: walking, baking or pausing. */
  private String activity = "walking";

  private int total;
  private int walkTotal;

  /** Hosts of the waves after the current one, in order. */
  private final Deque<String> queue = new ArrayDeque<>();

  /** Hosts of the current wave not started yet. */
  private final Deque<String> waveQueue = new ArrayDeque<>();

  /** Every host of the current wave. */
  private final List<String> waveHosts = new ArrayList<>();

  private int wave;
  private final Map<String, HostResult> results = new LinkedHashMap<>();
  private final Map<String, Promise<HostOutcome>> inFlight = new LinkedHashMap<>();
  private final List<String> awaiting = new ArrayList<>();
  private Caught caught = Caught.NO;
  private final Deque<Steering> steering = new ArrayDeque<>();
  private final Deque<HealthCheckResult> healthChecks = new ArrayDeque<>();
  private boolean aborted;
  private int runs;
  private final MemoKeeper memo = new MemoKeeper();
  private boolean finished;
  private boolean stopChecks;
  private Promise<Void> continuous;

  public RolloutStatus run(RolloutInput input) {
    request = input.request();
    strategy = request.definition().workspace().strategy();
    String stage = "next";
    if (input.carried().isPresent()) {
      stage = restore(input.carried().get());
    } else {
      rollout = Workflow.getInfo().getFirstExecutionRunId();
      plan();
    }
    startContinuousChecks();
    while (!stage.equals(END)) {
      stage = step(stage);
    }
    finished = true;
    if (continuous != null) {
      continuous.get();
    }
    phase = aborted ? "aborted" : "done";
    record();
    Workflow.await(Workflow::isEveryHandlerFinished);
    return status();
  }

  private void plan() {
    RolloutPlan plan =
        workspace.planRollout(
            new PlanRequest(request.definition(), request.limit(), request.seed()));
    for (RolloutPlan.Skipped group : plan.skipped()) {
      for (String host : group.hosts()) {
        results.put(host, new HostResult(Outcome.SKIPPED, group.reason()));
      }
    }
    // The plan comes in walk order already; sorting here again (a pure function of the names,
    // the sort order and the recorded seed) makes the order the workflow's own decision.
    queue.addAll(
        HostOrder.sort(
            plan.walk().stream().map(RolloutPlan.Planned::host).toList(),
            request.definition().workspace().sortOrder(),
            request.seed()));
    total = plan.total();
    walkTotal = queue.size();
  }

  /**
   * Runs one stage of the walk and returns the next one. A stage is where a continued run resumes:
   * every wait that may last (a catch, a health check's hold, bake time, a pause) continues as new
   * from its own stage when the server suggests it, so history stays bounded for weeks. Waits carry
   * their deadline in workflow time ("bake:DEADLINE", "pause:DEADLINE") and health check holds the
   * index of the next health check ("pre:I", "post:I").
   */
  private String step(String stage) {
    int colon = stage.indexOf(':');
    String name = colon < 0 ? stage : stage.substring(0, colon);
    long arg = colon < 0 ? 0 : Long.parseLong(stage.substring(colon + 1));
    switch (name) {
      case "next" -> {
        if (caught.caught()) {
          refreshPhase();
          awaitRelease("next");
        }
        if (aborted || queue.isEmpty()) {
          return END;
        }
        if (continueAsNewDue()) {
          continueAsNew("next");
        }
        startWave();
        return "pre:0";
      }
      case "pre" -> {
        runHealthChecks(
            strategy.preChecks().wave(), (int) arg, "wave " + wave + " (pre)", Optional.of("pre"));
        return aborted ? END : "walking";
      }
      case "walking" -> {
        walkWave();
        if (aborted) {
          return END;
        }
        return strategy.bakeTime().isZero()
            ? "post:0"
            : "bake:" + (Workflow.currentTimeMillis() + strategy.bakeTime().toMillis());
      }
      case "bake" -> {
        waitUntil("baking", arg, stage);
        return "post:0";
      }
      case "post" -> {
        runHealthChecks(
            strategy.postChecks().wave(),
            (int) arg,
            "wave " + wave + " (post)",
            Optional.of("post"));
        if (queue.isEmpty() || aborted) {
          return "next";
        }
        if (strategy.manualPause()) {
          catchBy(
              "amble",
              "wave " + wave + " is done; release to start wave " + (wave + 1),
              SteeringKind.PAUSE);
        } else if (strategy.pauseBetweenWaves().isPresent()) {
          return "pause:"
              + (Workflow.currentTimeMillis() + strategy.pauseBetweenWaves().get().toMillis());
        }
        return "next";
      }
      case "pause" -> {
        waitUntil("pausing", arg, stage);
        return "next";
      }
      default -> throw new IllegalStateException("unknown stage " + stage);
    }
  }

  /** Waits while caught (and not aborted), continuing as new from {@code stage} when due. */
  private void awaitRelease(String stage) {
    while (caught.caught() && !aborted) {
      Workflow.await(() -> !caught.caught() || aborted || continueAsNewDue());
      if (caught.caught() && !aborted && continueAsNewDue()) {
        continueAsNew(stage);
      }
    }
  }

  /**
   * Baking or pausing until a deadline in workflow time (or an abort), continuing as new when due.
   */
  private void waitUntil(String doing, long deadline, String stage) {
    activity = doing;
    phase = phaseNow();
    record();
    long left;
    while (!aborted && (left = deadline - Workflow.currentTimeMillis()) > 0) {
      if (!Workflow.await(Duration.ofMillis(left), () -> aborted || continueAsNewDue())) {
        break; // the deadline
      }
      if (!aborted && continueAsNewDue()) {
        continueAsNew(stage); // does not return
      }
    }
    activity = "walking";
  }

  /** The next wave: its hosts from the queue; its pre-checks are the next stage. */
  private void startWave() {
    wave++;
    waveHosts.clear();
    int size = Waves.size(strategy.waves(), walkTotal, wave);
    for (int i = 0; i < size && !queue.isEmpty(); i++) {
      String host = queue.removeFirst();
      waveQueue.addLast(host);
      waveHosts.add(host);
    }
    activity = "walking";
    phase = phaseNow();
  }

  /**
   * The current wave, its hosts in flight up to the concurrency, until each of its hosts is done.
   */
  private void walkWave() {
    while (true) {
      phase = phaseNow();
      record();
      Workflow.await(
          () ->
              anyFinished()
                  || canStart()
                  || waveDone()
                  || (aborted && inFlight.isEmpty())
                  || (continueAsNewDue() && inFlight.isEmpty()));
      collectFinished();
      if ((aborted && inFlight.isEmpty()) || waveDone()) {
        return;
      }
      if (continueAsNewDue() && inFlight.isEmpty()) {
        continueAsNew("walking");
      }
      while (canStart()) {
        start(waveQueue.removeFirst());
      }
    }
  }

  private String phaseNow() {
    if (aborted) {
      return inFlight.isEmpty() ? "aborted" : "draining";
    }
    if (caught.caught()) {
      return inFlight.isEmpty() ? "caught" : "draining";
    }
    return activity;
  }

  /** The phase after a catch, a release or an abort, unless the rollout is not walking. */
  private void refreshPhase() {
    if (!phase.equals("done") && !phase.equals("planning") && !phase.equals("aborted")) {
      phase = phaseNow();
      record();
    }
  }

  private boolean waveDone() {
    return waveQueue.isEmpty() && inFlight.isEmpty() && awaiting.isEmpty();
  }

  private boolean canStart() {
    return !caught.caught()
        && !aborted
        && !continueAsNewDue()
        && !waveQueue.isEmpty()
        && inFlight.size() < request.concurrency();
  }

  private boolean anyFinished() {
    return TemporalRuns.anyFinished(inFlight.values());
  }

  private boolean continueAsNewDue() {
    return TemporalRuns.continueAsNewDue(request);
  }

  private void continueAsNew(String stage) {
    stopChecks = true;
    if (continuous != null) {
      continuous.get();
    }
    Workflow.await(Workflow::isEveryHandlerFinished);
    TemporalRuns.continueAsNew(
        new RolloutInput(request, Optional.of(state(stage)), Optional.empty()));
  }

  private void start(String host) {
    HostWorkflow child =
        Workflow.newChildWorkflowStub(
            HostWorkflow.class,
            HostWalks.options(
                request,
                RolloutRequest.hostWorkflowId(
                    RolloutRequest.oldWorkflowId(request.workspace()), host),
                host,
                false));
    HostInput input =
        new HostInput(
            request.definition(),
            host,
            rollout,
            request.dryRun(),
            request.stompLocks(),
            request.heartbeatTimeout(),
            request.searchAttributes(),
            wave,
            false);
    inFlight.put(host, Async.function(child::walk, input));
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
      String host = e.getKey();
      HostOutcome outcome;
      try {
        outcome = e.getValue().get();
      } catch (RuntimeException failed) {
        outcome =
            new HostOutcome(
                host, Outcome.FAILED, "host workflow failed: " + Failures.oneLine(failed), "");
      }
      if (outcome.outcome() == Outcome.HELD) {
        waveQueue.addFirst(host); // not walked: it goes first once the health check is dealt with
      } else {
        results.put(host, new HostResult(outcome.outcome(), outcome.reason()));
      }
      for (HealthCheckResult g : outcome.healthChecks()) {
        remember(g);
        act(g);
      }
      HostResult result = results.get(host);
      if (result != null && countsAsFailure(result) && overBudget()) {
        awaiting.add(host);
        catchBy(
            "amble",
            "host " + host + " " + result.outcome().word() + ": " + result.reason() + budgetNote(),
            SteeringKind.AUTO_CATCH);
      }
    }
  }

  /** Whether a result counts against the failure budget. */
  private boolean countsAsFailure(HostResult r) {
    return r.outcome().isFailure()
        && !(r.outcome() == Outcome.UNREACHABLE
            && strategy.unreachable().policy() == Strategy.Unreachable.Policy.SKIP);
  }

  private int failures() {
    return (int) results.values().stream().filter(this::countsAsFailure).count();
  }

  private int waveFailures() {
    return (int)
        waveHosts.stream().map(results::get).filter(r -> r != null && countsAsFailure(r)).count();
  }

  private int maxFailures() {
    return strategy.maxFailures().budget(walkTotal);
  }

  private int maxWaveFailures() {
    return strategy.maxFailuresPerWave().map(a -> a.budget(waveHosts.size())).orElse(-1);
  }

  private boolean overBudget() {
    return failures() > maxFailures()
        || (maxWaveFailures() >= 0 && waveFailures() > maxWaveFailures());
  }

  private String budgetNote() {
    if (maxFailures() == 0 && maxWaveFailures() < 0) {
      return "";
    }
    if (failures() > maxFailures()) {
      return " (over the failure budget: "
          + failures()
          + " failed, max_failures "
          + strategy.maxFailures()
          + ")";
    }
    return " (over wave "
        + wave
        + "'s failure budget: "
        + waveFailures()
        + " failed, max_failures_per_wave "
        + strategy.maxFailuresPerWave().get()
        + ")";
  }

  /**
   * Runs health checks in order from {@code from}; a failing one acts by its on_failure. With a
   * {@code holdStage} (the wave's health checks), a catch waits here for the release, which lets
   * the rollout go on past the health check; the hold continues as new from that stage at the next
   * health check.
   */
  private void runHealthChecks(
      List<HealthCheck> list, int from, String scope, Optional<String> holdStage) {
    for (int i = from; i < list.size(); i++) {
      if (aborted || stopChecks) {
        return;
      }
      HealthCheckResult r =
          HealthChecks.run(
              request.definition(),
              list.get(i),
              Optional.empty(),
              wave,
              scope,
              request.heartbeatTimeout(),
              request.dryRun());
      remember(r);
      act(r);
      if (holdStage.isPresent() && caught.caught()) {
        refreshPhase();
        awaitRelease(holdStage.get() + ":" + (i + 1));
        refreshPhase();
      }
    }
  }

  /** What a failed health check does: nothing more than being recorded, a catch, or an abort. */
  private void act(HealthCheckResult r) {
    if (r.passed()) {
      return;
    }
    switch (r.onFailure()) {
      case CATCH -> catchBy("amble", HealthChecks.describe(r), SteeringKind.GATE_CATCH);
      case ABORT -> {
        if (!aborted) {
          aborted = true;
          steer(SteeringKind.ABORT, "amble", HealthChecks.describe(r));
          refreshPhase();
        }
      }
      case CONTINUE -> {}
    }
  }

  private void startContinuousChecks() {
    stopChecks = false;
    strategy
        .continuousChecks()
        .ifPresent(
            c ->
                continuous =
                    Async.procedure(
                        () -> {
                          while (true) {
                            Workflow.await(c.interval(), () -> finished || stopChecks);
                            if (finished || stopChecks) {
                              return;
                            }
                            runHealthChecks(c.checks(), 0, "continuous", Optional.empty());
                            record();
                          }
                        }));
  }

  private void remember(HealthCheckResult r) {
    healthChecks.addLast(r);
    while (healthChecks.size() > GATES_KEPT) {
      healthChecks.removeFirst();
    }
  }

  /**
   * Catches the rollout, if it is not caught already; steering records it (and every catch by an
   * operator, who may add a reason to a catch in place).
   */
  private void catchBy(String by, String reason, SteeringKind kind) {
    boolean already = caught.caught();
    if (!already) {
      caught = new Caught(true, reason, by, now(), 0);
    }
    if (!already || kind == SteeringKind.CATCH) {
      steer(kind, by, reason);
    }
    refreshPhase();
  }

  private void applyCatch(CatchRequest r) {
    String reason = r.reason() == null || r.reason().isBlank() ? "caught by " + r.by() : r.reason();
    catchBy(r.by(), reason, SteeringKind.CATCH);
  }

  private void applyRelease(ReleaseRequest r) {
    if (!caught.caught()) {
      return;
    }
    if (!r.skipFailed()) {
      for (int i = awaiting.size() - 1; i >= 0; i--) {
        results.remove(awaiting.get(i));
        waveQueue.addFirst(awaiting.get(i));
      }
    }
    awaiting.clear();
    caught = Caught.NO;
    steer(r.skipFailed() ? SteeringKind.RELEASE_SKIP_FAILED : SteeringKind.RELEASE, r.by(), "");
    refreshPhase();
  }

  /**
   * A graceful cancel, for a rollout this engine runs: like a health check's abort (no new host
   * starts, hosts in flight finish), recorded as a cancel.
   */
  public void cancel(CancelRequest r) {
    if (!aborted) {
      aborted = true;
      steer(SteeringKind.CANCEL, r.by(), r.reason());
      refreshPhase();
    }
  }

  /** Signals may come from the Web UI, typed by hand: an empty input or field is tolerated. */
  public void catchSignal(CatchRequest request) {
    applyCatch(
        new CatchRequest(
            request == null || request.reason() == null ? "" : request.reason(),
            request == null || request.by() == null || request.by().isBlank()
                ? "the Web UI"
                : request.by(),
            ""));
  }

  public void releaseSignal(ReleaseRequest request) {
    applyRelease(
        new ReleaseRequest(
            request != null && request.skipFailed(),
            request == null || request.by() == null || request.by().isBlank()
                ? "the Web UI"
                : request.by(),
            "",
            0));
  }

  public RolloutStatus catchRollout(CatchRequest request) {
    applyCatch(request);
    return status();
  }

  public RolloutStatus releaseRollout(ReleaseRequest request) {
    applyRelease(request);
    return status();
  }

  public void validateRelease(ReleaseRequest request) {
    if (!caught.caught()) {
      throw new IllegalStateException("the rollout is not caught (phase " + phase + ")");
    }
  }

  public void validateCatch(CatchRequest request) {
    if (phase.equals("done") || phase.equals("aborted")) {
      throw new IllegalStateException("the rollout is " + phase);
    }
  }

  public RolloutStatus status() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Outcome o : Outcome.values()) {
      if (o != Outcome.HELD) {
        counts.put(o.word(), 0);
      }
    }
    results.values().forEach(r -> counts.merge(r.outcome().word(), 1, Integer::sum));
    return new RolloutStatus(
        request == null ? "" : request.workspace(),
        request == null ? "" : request.definition().workflow().name(),
        rollout,
        request != null && request.dryRun(),
        request == null ? "" : request.startedBy(),
        phase,
        total,
        counts,
        queue.size() + waveQueue.size() + awaiting.size(),
        List.copyOf(inFlight.keySet()),
        new LinkedHashMap<>(results),
        List.copyOf(awaiting),
        caught,
        List.copyOf(steering),
        runs,
        new Progress(
            wave,
            Waves.sizes(strategy.waves(), walkTotal).size(),
            Waves.sizes(strategy.waves(), walkTotal),
            failures(),
            maxFailures(),
            waveFailures(),
            maxWaveFailures(),
            List.copyOf(healthChecks)),
        request == null ? 0 : request.seed(),
        "",
        "",
        0,
        failures(),
        java.util.Optional.empty(),
        java.util.Optional.empty());
  }

  /**
   * Keeps the summary in the memo whenever it changed (one event each time), the phase in the
   * AmbleOutcome search attribute, and the Web UI's current details.
   */
  private void record() {
    RolloutStatus status = status();
    Workflow.setCurrentDetails(Descriptions.rolloutNow(status));
    memo.keep(status, request.searchAttributes());
  }

  private RolloutStateV1 state(String stage) {
    return new RolloutStateV1(
        rollout,
        total,
        List.copyOf(queue),
        new LinkedHashMap<>(results),
        List.copyOf(awaiting),
        caught,
        List.copyOf(steering),
        runs + 1,
        walkTotal,
        wave,
        List.copyOf(waveQueue),
        List.copyOf(waveHosts),
        aborted,
        List.copyOf(healthChecks),
        stage);
  }

  /** Takes over a carried state; returns the stage to resume in. */
  private String restore(RolloutStateV1 s) {
    rollout = s.rollout();
    total = s.total();
    queue.addAll(s.queue());
    results.putAll(s.results());
    awaiting.addAll(s.awaiting());
    caught = s.caught();
    steering.addAll(s.steering());
    runs = s.runs();
    walkTotal = s.walkTotal() > 0 ? s.walkTotal() : s.queue().size();
    wave = s.wave();
    waveQueue.addAll(s.waveQueue());
    waveHosts.addAll(s.waveHosts());
    aborted = s.aborted();
    healthChecks.addAll(s.healthChecks());
    phase = phaseNow();
    return s.stage();
  }

  private void steer(SteeringKind kind, String by, String reason) {
    steering.addLast(new Steering(kind, by, reason, now()));
    while (steering.size() > STEERING_KEPT) {
      steering.removeFirst();
    }
  }

  private static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}

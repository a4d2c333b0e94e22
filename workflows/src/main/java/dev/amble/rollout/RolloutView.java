package dev.amble.rollout;

import dev.amble.amblefile.Strategy;
import dev.amble.host.Outcome;
import dev.amble.pages.PageLine;
import dev.amble.plan.Waves;
import dev.amble.window.WindowGate;
import dev.amble.window.WindowStatus;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a rollout shows of itself: its phase, its status (the query's answer), the summary in its
 * memo, the phase in a search attribute, the Web UI's current details, and why it ended.
 */
final class RolloutView {
  /** At most this many wave sizes are shown by status. */
  static final int WAVE_SIZES_SHOWN = 100;

  private final RolloutRequest request;
  private final RolloutState state;
  private final WindowGate gate;
  private final HostWalks hosts;
  private final MemoKeeper memo;

  RolloutView(RolloutRequest request, RolloutState state, WindowGate gate, HostWalks hosts) {
    this.request = request;
    this.state = state;
    this.gate = gate;
    this.hosts = hosts;
    this.memo = new MemoKeeper();
  }

  /** The rollout's first run ID: it names the rollout in locks, pages and status. */
  static String rolloutId(RolloutState state) {
    return state.rollout.isEmpty() ? Workflow.getInfo().getFirstExecutionRunId() : state.rollout;
  }

  Phase phase() {
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
      return hosts.none() ? Phase.CAUGHT : Phase.DRAINING;
    }
    if (hosts.none()
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

  RolloutStatus status() {
    return status(request, state, phase(), hosts.inFlight(), rolloutId(state));
  }

  /** The status of a rollout in this state: a pure function, bounded as the state is. */
  /** The hosts in flight of each failure domain that has any. */
  private static Map<String, Integer> byDomain(RolloutState state) {
    return new java.util.TreeMap<>(state.domains.inFlight(state.walks));
  }

  static RolloutStatus status(
      RolloutRequest request,
      RolloutState state,
      Phase phase,
      List<String> inFlight,
      String rollout) {
    Strategy strategy = request.definition().workspace().strategy();
    FailureBudget budget = new FailureBudget(strategy, state.walkTotal);
    List<PlanSummary.Tier> tiers = state.plan.map(PlanSummary::tiers).orElse(List.of());
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
        new TreeMap<>(state.report.counts),
        state.walk.left(state.toWalk()) + state.steering.awaiting.size(),
        inFlight,
        results,
        state.steering.awaitingHosts(),
        state.steering.caught,
        List.copyOf(state.steering.log),
        state.runs,
        new Progress(
            state.walk.wave,
            Waves.count(strategy.waves(), state.tierHosts()),
            Waves.firstSizes(strategy.waves(), state.tierHosts(), WAVE_SIZES_SHOWN),
            state.failures,
            budget.max(),
            state.walk.waveFailures,
            budget.maxPerWave(state.walk.waveSize()),
            List.copyOf(state.checks),
            tiers.isEmpty() || state.walk.wave == 0 ? 0 : state.walk.tier + 1,
            tiers.size(),
            tiers.isEmpty() || state.walk.wave == 0 ? "" : tiers.get(state.walk.tier).name(),
            byDomain(state)),
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
    return new HostResult(RolloutSteering.outcome(l), l.reason());
  }

  /**
   * Keeps the summary in the memo whenever it changed (one event each time), the phase in the
   * AmbleOutcome search attribute, and the Web UI's current details.
   */
  void record() {
    state.window = gate.period();
    RolloutStatus status = status();
    Workflow.setCurrentDetails(
        Descriptions.rolloutNow(status, Instant.ofEpochMilli(Workflow.currentTimeMillis())));
    memo.keep(status, request.searchAttributes());
  }

  /** Why the rollout ended: cancelled (by whom), aborted (by which check), or done (counts). */
  String endedBecause() {
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
              .filter(s -> s.kind() == SteeringKind.ABORT)
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
}

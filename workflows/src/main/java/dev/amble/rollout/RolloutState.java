package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import dev.amble.health.HealthCheckResult;
import dev.amble.host.HostOutcome;
import dev.amble.window.StartPeriod;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Everything a rollout carries from one run to the next when it continues as new, and nothing that
 * grows with the fleet: the stage, the plan's counts and where its pages are, the wave walk's
 * cursor, the report's counts (and a page's worth of failed hosts), catch and release, the latest
 * health check results, the maintenance window, and how it ends. Built once per run, in the
 * workflow's constructor.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY)
public final class RolloutState {
  /** At most this many health check results are kept (the latest). */
  static final int CHECKS_KEPT = 20;

  /** The rollout's first run ID: it names the rollout in locks, pages and status. */
  String rollout = "";

  /** Runs of the workflow before this one. */
  int runs;

  Stage stage = Stage.PLANNING;

  /** In PRE_CHECKS and POST_CHECKS: the next health check to run. */
  @JsonAlias("gate")
  int healthCheck;

  /** In BAKING and PAUSING: when the wait ends, workflow time in epoch milliseconds. */
  long until;

  /** Empty until planned. */
  Optional<PlanSummary> plan = Optional.empty();

  /** Hosts the plan walks: the base of percentages (a wave's size, the failure budget). */
  int walkTotal;

  /** Every host the pattern and limit matched. */
  int total;

  WaveCursor walk = new WaveCursor();

  /** With a failure domain: the walk order read domain by domain. */
  DomainCursor domains = new DomainCursor();

  /**
   * The hosts whose walks are in flight, in the order they started (at most the concurrency): a
   * walk may outlive the run that started it ({@link HostWalks#CROSS_RUNS}).
   */
  List<String> walks = new ArrayList<>();

  /** Walks' ends reported ({@link dev.amble.host.WalkEnd}) and not yet taken: one per host. */
  List<HostOutcome> walkEnds = new ArrayList<>();

  Report report = new Report();

  /** Failed hosts that count against the failure budget (the awaiting ones included). */
  int failures;

  CatchAndRelease steering = new CatchAndRelease();
  Deque<HealthCheckResult> checks = new ArrayDeque<>();

  /** A health check aborted the rollout. */
  boolean aborted;

  /** The rollout is being cancelled: by whom, why, and whether now. */
  Optional<CancelRequest> cancel = Optional.empty();

  /** Why it ended, once it did. */
  String ended = "";

  /**
   * The maintenance window recorded last: open now, or the next to open; empty for a workspace
   * without windows.
   */
  Optional<StartPeriod> window = Optional.empty();

  RolloutState() {}

  /** No new host starts: aborted or cancelled. */
  boolean stopping() {
    return aborted || cancel.isPresent();
  }

  /** How many hosts the plan walks (0 until planned). */
  int toWalk() {
    return plan.map(PlanSummary::walk).orElse(0);
  }

  /** The hosts each tier walks, in order: one tier of every host for a plan without tiers. */
  List<Integer> tierHosts() {
    List<PlanSummary.Tier> tiers = plan.map(PlanSummary::tiers).orElse(List.of());
    return tiers.isEmpty()
        ? List.of(walkTotal)
        : tiers.stream().map(PlanSummary.Tier::hosts).toList();
  }

  void remember(HealthCheckResult r) {
    checks.addLast(r);
    while (checks.size() > CHECKS_KEPT) {
      checks.removeFirst();
    }
  }
}

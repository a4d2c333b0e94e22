package dev.amble.rollout;

import dev.amble.amblefile.HealthCheck;
import dev.amble.amblefile.Strategy;
import dev.amble.health.HealthCheckResult;
import dev.amble.health.HealthChecks;
import dev.amble.notify.RolloutNotices;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A rollout's own health checks: a wave's pre- and post-checks, the continuous checks every
 * interval, and what a failed one does (a catch, an abort, or nothing more than its record). A
 * host's checks run in its walk; their results come here through {@link #act}.
 */
final class WaveChecks {
  private final RolloutRequest request;
  private final Strategy strategy;
  private final RolloutState state;
  private final RolloutSteering steering;
  private final RolloutNotices notices;
  private final RolloutView view;
  private final BooleanSupplier continueAsNewDue;
  private boolean continuousStop;
  private Optional<Promise<Void>> continuous = Optional.empty();

  WaveChecks(
      RolloutRequest request,
      RolloutState state,
      RolloutSteering steering,
      RolloutNotices notices,
      RolloutView view,
      BooleanSupplier continueAsNewDue) {
    this.request = request;
    this.strategy = request.definition().workspace().strategy();
    this.state = state;
    this.steering = steering;
    this.notices = notices;
    this.view = view;
    this.continueAsNewDue = continueAsNewDue;
  }

  /** The wave's pre-checks; see {@link #runWave}. */
  boolean runPre() {
    return runWave(strategy.preChecks().wave(), "pre");
  }

  /** The wave's post-checks; see {@link #runWave}. */
  boolean runPost() {
    return runWave(strategy.postChecks().wave(), "post");
  }

  /**
   * Runs the wave's health checks of one list from {@link RolloutState#healthCheck}. While the
   * rollout is caught (by one of them, or before), no check runs: it waits for the release, which
   * goes on past the check that caught it. Returns false to continue as new while held (it resumes
   * at the next check).
   */
  private boolean runWave(List<HealthCheck> checks, String when) {
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
      run(check, "wave " + state.walk.wave + " (" + when + ")");
    }
  }

  private void run(HealthCheck check, String where) {
    HealthCheckResult r =
        HealthChecks.run(
            request.definition(),
            check,
            Optional.empty(),
            state.walk.wave,
            where,
            request.heartbeatTimeout(),
            request.dryRun());
    state.remember(r);
    act(r);
  }

  /** Waits while caught; returns false when the rollout should continue as new first. */
  private boolean awaitRelease() {
    view.record();
    Workflow.await(
        () -> !state.steering.caught() || state.stopping() || continueAsNewDue.getAsBoolean());
    view.record();
    return !state.steering.caught() || state.stopping();
  }

  /** What a failed health check does: nothing more than being recorded, a catch, or an abort. */
  void act(HealthCheckResult r) {
    if (r.passed()) {
      return;
    }
    notices.healthCheckFailed(HealthChecks.describe(r), r.onFailure().word());
    switch (r.onFailure()) {
      case CATCH ->
          steering.catchBy("amble", HealthChecks.describe(r), SteeringKind.HEALTH_CHECK_CATCH);
      case ABORT -> {
        if (!state.aborted) {
          state.aborted = true;
          state.steering.record(
              SteeringKind.ABORT, "amble", HealthChecks.describe(r), RolloutSteering.now());
        }
      }
      case CONTINUE -> {}
    }
  }

  /** Starts the continuous checks, if the workspace has any: every interval, until stopped. */
  void startContinuous() {
    continuousStop = false;
    strategy
        .continuousChecks()
        .ifPresent(c -> continuous = Optional.of(Async.procedure(() -> everyInterval(c))));
  }

  private void everyInterval(Strategy.ContinuousChecks c) {
    while (true) {
      Workflow.await(c.interval(), () -> continuousStop);
      if (continuousStop) {
        return;
      }
      for (HealthCheck g : c.checks()) {
        if (continuousStop || state.stopping()) {
          break;
        }
        run(g, "continuous");
      }
      view.record();
    }
  }

  void stopContinuous() {
    continuousStop = true;
    try {
      continuous.ifPresent(Promise::get);
    } catch (CanceledFailure cancelled) {
      // the rollout was cancelled in the middle of a check
    }
    continuous = Optional.empty();
  }
}

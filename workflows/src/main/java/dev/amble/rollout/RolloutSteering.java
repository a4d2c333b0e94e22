package dev.amble.rollout;

import dev.amble.amblefile.Strategy;
import dev.amble.host.HostFailure;
import dev.amble.host.HostOutcome;
import dev.amble.host.Outcome;
import dev.amble.notify.RolloutNotices;
import dev.amble.pages.PageLine;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Catch, release and cancel as the current engine applies them: who steered is recorded, a catch
 * notifies, a release walks the waiting hosts again (or leaves them failed), and steering that
 * names another rollout or catch is refused ({@link StaleSteering}) once {@link #NAMED_STEERING}
 * says so.
 */
final class RolloutSteering {
  /** The version marker after which stale steering is refused ({@link StaleSteering}). */
  static final String NAMED_STEERING = "named-steering";

  private final Strategy strategy;
  private final RolloutState state;
  private final RolloutNotices notices;

  /** Whether this run refuses stale steering, decided as it starts ({@link #NAMED_STEERING}). */
  private boolean refusesStale;

  RolloutSteering(Strategy strategy, RolloutState state, RolloutNotices notices) {
    this.strategy = strategy;
    this.state = state;
    this.notices = notices;
  }

  /** Decides, once as the run starts, whether stale steering is refused (a version marker). */
  void decideOnStaleSteering() {
    refusesStale = Workflow.getVersion(NAMED_STEERING, Workflow.DEFAULT_VERSION, 1) == 1;
  }

  /**
   * Catches the rollout, if it is not caught already; steering records it (and every catch by an
   * operator, who may add a reason to a catch in place).
   */
  void catchBy(String by, String reason, SteeringKind kind) {
    catchBy(by, reason, kind, Optional.empty());
  }

  /** {@link #catchBy}, for a host's failure: its notification names the host, step and task. */
  void catchBy(String by, String reason, SteeringKind kind, Optional<HostOutcome> host) {
    boolean took = state.steering.catchNow(by, reason, now());
    if (took) {
      HostFailure failure = host.map(HostOutcome::failure).orElse(HostFailure.NONE);
      notices.caught(by, reason, host.map(HostOutcome::host), failure.step(), failure.task());
    }
    if (took || kind == SteeringKind.CATCH) {
      state.steering.record(kind, by, reason, now());
    }
  }

  void applyCatch(CatchRequest r) {
    String reason = r.reason() == null || r.reason().isBlank() ? "caught by " + r.by() : r.reason();
    catchBy(r.by(), reason, SteeringKind.CATCH);
  }

  void applyRelease(ReleaseRequest r) {
    if (!state.steering.caught()) {
      return;
    }
    List<PageLine> waited = state.steering.release();
    if (r.skipFailed()) {
      waited.forEach(state.report::list);
    } else {
      state.walk.retryFirst(waited.stream().map(PageLine::host).toList());
      FailureBudget budget = new FailureBudget(strategy, state.walkTotal);
      for (PageLine line : waited) {
        Outcome o = outcome(line);
        state.report.count(o, -1);
        if (budget.counts(o)) {
          state.failures--;
          state.walk.waveFailures = Math.max(0, state.walk.waveFailures - 1);
        }
      }
    }
    state.steering.record(
        r.skipFailed() ? SteeringKind.RELEASE_SKIP_FAILED : SteeringKind.RELEASE,
        r.by(),
        "",
        now());
    notices.released(r.by(), r.skipFailed());
  }

  void applyCancel(CancelRequest r) {
    if (state.cancel.isEmpty() || (r.now() && !state.cancel.get().now())) {
      state.cancel = Optional.of(r);
      state.steering.record(
          r.now() ? SteeringKind.CANCEL_NOW : SteeringKind.CANCEL, r.by(), r.reason(), now());
    }
  }

  /** A catch signal: applied, or dropped as stale; returns whether it was applied. */
  boolean catchSignal(CatchRequest r) {
    if (refused("catch", staleCatch(r))) {
      return false;
    }
    applyCatch(r);
    return true;
  }

  /** A release signal: applied, or dropped as stale; returns whether it was applied. */
  boolean releaseSignal(ReleaseRequest r) {
    if (refused("release", staleRelease(r))) {
      return false;
    }
    applyRelease(r);
    return true;
  }

  /** A cancel signal: applied, or dropped as stale; returns whether it was applied. */
  boolean cancelSignal(CancelRequest r) {
    if (refused("cancel", staleCancel(r))) {
      return false;
    }
    applyCancel(r);
    return true;
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

  Optional<String> staleCatch(CatchRequest r) {
    return refusesStale ? StaleSteering.named(r.rollout(), state.rollout) : Optional.empty();
  }

  Optional<String> staleRelease(ReleaseRequest r) {
    return refusesStale
        ? StaleSteering.release(r, state.rollout, state.steering.caught)
        : Optional.empty();
  }

  Optional<String> staleCancel(CancelRequest r) {
    return refusesStale ? StaleSteering.named(r.rollout(), state.rollout) : Optional.empty();
  }

  /** Signals may come from the Web UI, typed by hand: an empty input or field is tolerated. */
  static CatchRequest fromSignal(CatchRequest r) {
    return new CatchRequest(
        r == null || r.reason() == null ? "" : r.reason(),
        by(r == null ? null : r.by()),
        r == null || r.rollout() == null ? "" : r.rollout());
  }

  /** See {@link #fromSignal(CatchRequest)}. */
  static ReleaseRequest fromSignal(ReleaseRequest r) {
    return new ReleaseRequest(
        r != null && r.skipFailed(),
        by(r == null ? null : r.by()),
        r == null || r.rollout() == null ? "" : r.rollout(),
        r == null ? 0 : r.caught());
  }

  /** See {@link #fromSignal(CatchRequest)}. */
  static CancelRequest fromSignal(CancelRequest r) {
    return new CancelRequest(
        r == null || r.reason() == null ? "" : r.reason(),
        by(r == null ? null : r.by()),
        r != null && r.now(),
        r == null || r.rollout() == null ? "" : r.rollout());
  }

  private static String by(String by) {
    return by == null || by.isBlank() ? "the Web UI" : by;
  }

  /** A listed host's outcome, from its page line. */
  static Outcome outcome(PageLine line) {
    return Outcome.of(line.outcome());
  }

  /** Workflow time, as steering and status write it. */
  static String now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
  }
}

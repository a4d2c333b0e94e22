package dev.amble.rollout;

import dev.amble.amblefile.Strategy;
import dev.amble.host.HostFailure;
import dev.amble.host.HostOutcome;
import dev.amble.host.Outcome;
import dev.amble.notify.RolloutNotices;
import dev.amble.pages.PageLine;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
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
    List<String> again = new ArrayList<>();
    for (PageLine line : waited) {
      if (r.skipFailed() || r.except().contains(line.host())) {
        state.report.list(line);
      } else {
        again.add(line.host());
        notFailed(line);
      }
    }
    state.walk.retryFirst(again); // walked again first, in the order they failed
    state.steering.record(
        r.skipFailed() ? SteeringKind.RELEASE_SKIP_FAILED : SteeringKind.RELEASE,
        r.by(),
        r.except().isEmpty() ? "" : "left failed: " + String.join(", ", r.except()),
        now());
    notices.released(r.by(), r.skipFailed(), r.except());
  }

  /** A failed host walked again no longer counts as failed, nor against the budget. */
  private void notFailed(PageLine line) {
    FailureBudget budget = new FailureBudget(strategy, state.walkTotal);
    Outcome o = outcome(line);
    state.report.count(o, -1);
    if (budget.counts(o)) {
      state.failures--;
      state.walk.waveFailures = Math.max(0, state.walk.waveFailures - 1);
    }
  }

  /** Walks a failed host again now, the rollout staying caught for the others (validated). */
  void applyRetry(HostSteering r) {
    PageLine line =
        state.steering.awaiting.stream()
            .filter(l -> l.host().equals(r.host()))
            .findFirst()
            .orElseThrow();
    state.steering.awaiting.remove(line);
    notFailed(line);
    state.walk.retry.addFirst(r.host());
    state.steering.retrying.add(r.host());
    state.steering.record(SteeringKind.RETRY_HOST, r.by(), said(r), now());
    notices.hostSteered(r.host(), "walked again by " + r.by() + because(r));
  }

  private static String because(HostSteering r) {
    return r.reason().isBlank() ? "" : ": " + dev.amble.pages.Pages.bounded(r.reason());
  }

  /** Leaves a host not walked yet out of the rollout (validated). */
  void applySkip(HostSteering r) {
    String reason = "skipped by " + r.by() + (r.reason().isBlank() ? "" : ": " + r.reason());
    if (reason.length() > CatchAndRelease.SKIP_REASON_MAX) {
      reason = reason.substring(0, CatchAndRelease.SKIP_REASON_MAX - 3) + "...";
    }
    state.steering.skips.add(new PageLine(r.host(), Outcome.SKIPPED.word(), reason, 0));
    state.steering.record(SteeringKind.SKIP_HOST, r.by(), said(r), now());
    notices.hostSteered(r.host(), "to be skipped, by " + r.by() + because(r));
  }

  /** What the steering log says of one host's steering: the host, and why. */
  private static String said(HostSteering r) {
    return dev.amble.pages.Pages.bounded(
        r.host() + (r.reason().isBlank() ? "" : ": " + r.reason()));
  }

  /** Why a release is refused for what it leaves failed: a host it names that does not wait. */
  Optional<String> refusedExcept(ReleaseRequest r) {
    if (r.skipFailed() && !r.except().isEmpty()) {
      return Optional.of("--except goes without --skip-failed, which leaves every failed host");
    }
    return r.except().stream()
        .filter(h -> !state.steering.awaitingHosts().contains(h))
        .findFirst()
        .map(h -> h + " is not waiting for a release" + waiting());
  }

  /** Why walking {@code r}'s host again now is refused; empty when it may be. */
  Optional<String> refusedRetry(HostSteering r) {
    if (!state.steering.caught()) {
      return Optional.of(
          "the rollout is not caught: a failed host waits only while it is (amble release walks"
              + " them all)");
    }
    if (!state.steering.awaitingHosts().contains(r.host())) {
      return Optional.of(r.host() + " is not waiting for a release" + waiting());
    }
    return named(r);
  }

  /** Why leaving {@code r}'s host out is refused; empty when it may be. */
  Optional<String> refusedSkip(HostSteering r) {
    if (r.host().isEmpty() || r.host().length() > HostSteering.HOST_MAX) {
      return Optional.of(
          "name the host to skip (at most " + HostSteering.HOST_MAX + " characters)");
    }
    if (state.walks.contains(r.host())) {
      return Optional.of(
          r.host() + " is in flight: its walk goes on (amble cancel --now stops every walk)");
    }
    if (state.steering.awaitingHosts().contains(r.host())) {
      return Optional.of(
          r.host() + " failed and waits for a release: amble release --except leaves it failed");
    }
    if (state.steering.skips.stream().anyMatch(l -> l.host().equals(r.host()))) {
      return Optional.of(r.host() + " is already to be skipped");
    }
    if (state.steering.skips.size() >= CatchAndRelease.SKIPS_KEPT) {
      return Optional.of(
          CatchAndRelease.SKIPS_KEPT
              + " hosts wait to be skipped already: a narrower --limit in a new rollout leaves"
              + " many out");
    }
    return named(r);
  }

  private Optional<String> named(HostSteering r) {
    return refusesStale ? StaleSteering.named(r.rollout(), state.rollout) : Optional.empty();
  }

  private String waiting() {
    List<String> hosts = state.steering.awaitingHosts();
    return hosts.isEmpty() ? " (none is)" : " (waiting: " + String.join(", ", hosts) + ")";
  }

  /** A retry signal: applied, or dropped as refused (the workflow's log says why). */
  boolean retrySignal(HostSteering r) {
    if (refused("retry", refusedRetry(r))) {
      return false;
    }
    applyRetry(r);
    return true;
  }

  /** A skip signal: applied, or dropped as refused (the workflow's log says why). */
  boolean skipSignal(HostSteering r) {
    if (refused("skip", refusedSkip(r))) {
      return false;
    }
    applySkip(r);
    return true;
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
    if (refused("release", staleRelease(r).or(() -> refusedExcept(r)))) {
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
        r == null ? 0 : r.caught(),
        r == null ? List.of() : r.except());
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

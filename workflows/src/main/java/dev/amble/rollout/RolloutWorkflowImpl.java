package dev.amble.rollout;

import dev.amble.host.WalkEnd;
import dev.amble.notify.RolloutNotices;
import dev.amble.window.WindowGate;
import io.temporal.common.VersioningBehavior;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import io.temporal.workflow.WorkflowVersioningBehavior;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The rollout workflow's Temporal face: its handlers, validators and query, over the engine that
 * walks it ({@link RolloutEngine}, with {@link RolloutSteering} for catch, release and cancel and
 * {@link RolloutView} for what it shows). Its state ({@link RolloutState}) is bounded whatever the
 * fleet's size.
 *
 * <p>A history begun by amble's first engine has no {@value #ENGINE} version marker: it goes on in
 * {@link LegacyRollout}, unchanged.
 */
public class RolloutWorkflowImpl implements RolloutWorkflow {
  /** The version marker that chooses the engine. */
  static final String ENGINE = "rollout-engine";

  /** The engine that keeps pages. */
  static final int PAGED = 1;

  private final RolloutInput input;
  private final RolloutState state;
  private final RolloutEngine engine;
  private final RolloutSteering steering;
  private final RolloutView view;

  /** Decided at the first step: empty until then. */
  private Optional<Boolean> paged = Optional.empty();

  private LegacyRollout legacy;

  @WorkflowInit
  public RolloutWorkflowImpl(RolloutInput input) {
    this.input = input;
    RolloutRequest request = input.request();
    Optional<List<String>> legacyWalkOrder = Optional.empty();
    if (input.state().isPresent()) {
      state = input.state().get();
    } else if (input.carried().isPresent()) {
      RolloutStateV1 v1 = input.carried().get();
      state =
          v1.toState(
              new FailureBudget(request.definition().workspace().strategy(), v1.walkTotal()));
      legacyWalkOrder = Optional.of(v1.walkOrder());
    } else {
      state = new RolloutState();
    }
    RolloutNotices notices = new RolloutNotices(request.definition());
    WindowGate gate =
        request.ignoreWindows()
            ? WindowGate.none()
            : new WindowGate(request.definition().workspace().windows(), state.window);
    engine = new RolloutEngine(request, state, legacyWalkOrder, gate, notices);
    steering = engine.steering();
    view = engine.view();
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
  @WorkflowVersioningBehavior(VersioningBehavior.PINNED) // moves at continue-as-new: TemporalRuns
  public RolloutStatus run(RolloutInput ignored) {
    return paged() ? engine.run() : legacy.run(input);
  }

  @Override
  public void catchSignal(CatchRequest r) {
    signal(RolloutSteering.fromSignal(r), c -> legacy.catchSignal(c), steering::catchSignal);
  }

  @Override
  public void releaseSignal(ReleaseRequest r) {
    signal(RolloutSteering.fromSignal(r), c -> legacy.releaseSignal(c), steering::releaseSignal);
  }

  @Override
  public void cancelSignal(CancelRequest r) {
    signal(RolloutSteering.fromSignal(r), c -> legacy.cancel(c), steering::cancelSignal);
  }

  @Override
  public void retrySignal(HostSteering r) {
    hostSignal(r, steering::retrySignal);
  }

  @Override
  public void skipSignal(HostSteering r) {
    hostSignal(r, steering::skipSignal);
  }

  /** One host's steering by signal: the first engine has none (the workflow's log says so). */
  private void hostSignal(HostSteering r, Predicate<HostSteering> applied) {
    HostSteering request = r == null ? new HostSteering("", "", "", "") : r;
    if (!paged()) {
      Workflow.getLogger(RolloutWorkflowImpl.class)
          .warn("refused: a rollout started by the first engine steers no single host");
    } else if (applied.test(request)) {
      view.record();
    }
  }

  @Override
  public RolloutStatus retryHost(HostSteering r) {
    return update(r, c -> legacy.status(), steering::applyRetry);
  }

  @Override
  public RolloutStatus skipHost(HostSteering r) {
    return update(r, c -> legacy.status(), steering::applySkip);
  }

  @Override
  public void validateRetry(HostSteering r) {
    refuseLegacy(r);
    steering.refusedRetry(r).ifPresent(StaleSteering::refuse);
  }

  @Override
  public void validateSkip(HostSteering r) {
    refuseLegacy(r);
    if (view.phase().ended()) {
      StaleSteering.refuse("the rollout is " + view.phase().word());
    }
    steering.refusedSkip(r).ifPresent(StaleSteering::refuse);
  }

  private void refuseLegacy(HostSteering r) {
    if (r == null) {
      StaleSteering.refuse("name the host: {\"host\": \"HOST\", \"reason\": \"why\"}");
    }
    if (legacy != null) {
      StaleSteering.refuse("a rollout started by the first engine steers no single host");
    }
  }

  @Override
  public void walkEnded(WalkEnd end) {
    if (paged()) {
      engine.walkEnded(end);
    }
  }

  @Override
  public void wake() {
    // The workflow task this signal makes is the point: every wait checks continueAsNewDue again.
  }

  /** A steering signal: the first engine's, or applied unless stale (and then recorded). */
  private <T> void signal(T request, Consumer<T> toLegacy, Predicate<T> applied) {
    if (!paged()) {
      toLegacy.accept(request);
    } else if (applied.test(request)) {
      view.record();
    }
  }

  @Override
  public RolloutStatus catchRollout(CatchRequest r) {
    return update(r, c -> legacy.catchRollout(c), steering::applyCatch);
  }

  @Override
  public RolloutStatus releaseRollout(ReleaseRequest r) {
    return update(r, c -> legacy.releaseRollout(c), steering::applyRelease);
  }

  @Override
  public RolloutStatus cancelRollout(CancelRequest r) {
    return update(
        r,
        c -> {
          legacy.cancel(c);
          return legacy.status();
        },
        steering::applyCancel);
  }

  /** A steering update (validated before): the first engine's, or applied, recorded, answered. */
  private <T> RolloutStatus update(
      T request, Function<T, RolloutStatus> toLegacy, Consumer<T> apply) {
    if (!paged()) {
      return toLegacy.apply(request);
    }
    apply.accept(request);
    view.record();
    return view.status();
  }

  @Override
  public void validateRelease(ReleaseRequest r) {
    if (legacy != null) {
      legacy.validateRelease(r);
    } else if (!state.steering.caught()) {
      throw new IllegalStateException(
          "the rollout is not caught (phase " + view.phase().word() + ")");
    } else {
      steering.staleRelease(r).or(() -> steering.refusedExcept(r)).ifPresent(StaleSteering::refuse);
    }
  }

  @Override
  public void validateCatch(CatchRequest r) {
    if (legacy != null) {
      legacy.validateCatch(r);
    } else if (view.phase().ended()) {
      throw new IllegalStateException("the rollout is " + view.phase().word());
    } else {
      steering.staleCatch(r).ifPresent(StaleSteering::refuse);
    }
  }

  @Override
  public void validateCancel(CancelRequest r) {
    Phase now = legacy != null ? Phase.of(legacy.status().phase()) : view.phase();
    if (now.ended()) {
      throw new IllegalStateException("the rollout is " + now.word());
    }
    if (legacy == null) {
      steering.staleCancel(r).ifPresent(StaleSteering::refuse);
    }
  }

  @Override
  public RolloutStatus status() {
    return legacy != null ? legacy.status() : view.status();
  }

  /**
   * The rollout for a worker that runs unversioned: the same run without the pinned behaviour (see
   * {@link dev.amble.host.HostWorkflowImpl.Unversioned}).
   */
  public static final class Unversioned extends RolloutWorkflowImpl {
    @WorkflowInit
    public Unversioned(RolloutInput input) {
      super(input);
    }

    @Override
    public RolloutStatus run(RolloutInput input) {
      return super.run(input);
    }
  }
}

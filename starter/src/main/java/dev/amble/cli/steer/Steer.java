package dev.amble.cli.steer;

import dev.amble.rollout.CancelRequest;
import dev.amble.rollout.CatchRequest;
import dev.amble.rollout.HostSteering;
import dev.amble.rollout.ReleaseRequest;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutWorkflow;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;

/**
 * One way to steer a running rollout: its update, whose answer is the rollout's status once
 * applied, and the signal that carries the same request when no worker can take the update.
 *
 * @param what the steering, for the operator: {@code Catch}, {@code Release}, {@code Cancel}
 * @param updateName the update's name in Temporal (see {@link RolloutWorkflow})
 */
record Steer<R>(
    String what,
    String updateName,
    BiConsumer<RolloutWorkflow, R> signal,
    BiFunction<RolloutWorkflow, R, RolloutStatus> update) {
  static final Steer<CatchRequest> CATCH =
      new Steer<>(
          "Catch", "catchRollout", RolloutWorkflow::catchSignal, RolloutWorkflow::catchRollout);
  static final Steer<ReleaseRequest> RELEASE =
      new Steer<>(
          "Release",
          "releaseRollout",
          RolloutWorkflow::releaseSignal,
          RolloutWorkflow::releaseRollout);
  static final Steer<HostSteering> RETRY =
      new Steer<>("Retry", "retryHost", RolloutWorkflow::retrySignal, RolloutWorkflow::retryHost);
  static final Steer<HostSteering> SKIP =
      new Steer<>("Skip", "skipHost", RolloutWorkflow::skipSignal, RolloutWorkflow::skipHost);
  static final Steer<CancelRequest> CANCEL =
      new Steer<>(
          "Cancel", "cancelRollout", RolloutWorkflow::cancelSignal, RolloutWorkflow::cancelRollout);
}

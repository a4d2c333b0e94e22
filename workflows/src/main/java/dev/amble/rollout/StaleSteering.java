package dev.amble.rollout;

import java.util.Optional;

/**
 * Which steering a rollout refuses as stale: a release must name the rollout and the catch it ends;
 * a catch or a cancel that names a rollout must name this one. A message meant for an earlier catch
 * or an earlier rollout of the workspace (or copied from history and sent again, which the payload
 * key alone cannot tell from a fresh one) then changes nothing.
 */
final class StaleSteering {
  private StaleSteering() {}

  /** Why {@code r} may not release the rollout {@code rollout}, caught as {@code caught}. */
  static Optional<String> release(ReleaseRequest r, String rollout, Caught caught) {
    if (!caught.caught()) {
      return Optional.of("the rollout is not caught");
    }
    String named = r.rollout() == null ? "" : r.rollout();
    if (named.isEmpty() || r.caught() == 0) {
      return Optional.of(
          "a release names the rollout and the catch it ends: {\"rollout\": \""
              + rollout
              + "\", \"caught\": "
              + caught.number()
              + "} (amble release does; amble status shows both)");
    }
    return otherRollout(named, rollout)
        .or(
            () ->
                r.caught() == caught.number()
                    ? Optional.empty()
                    : Optional.of(
                        "stale: it releases catch "
                            + r.caught()
                            + ", and the rollout is caught by catch "
                            + caught.number()
                            + " (since "
                            + caught.since()
                            + ")"));
  }

  /** Why a catch or cancel naming {@code named} (empty: any) may not steer {@code rollout}. */
  static Optional<String> named(String named, String rollout) {
    return named == null || named.isEmpty() ? Optional.empty() : otherRollout(named, rollout);
  }

  /** An update validator's refusal: the update is rejected with {@code why}, nothing changes. */
  static void refuse(String why) {
    throw new IllegalArgumentException(why);
  }

  private static Optional<String> otherRollout(String named, String rollout) {
    return named.equals(rollout)
        ? Optional.empty()
        : Optional.of(
            "stale: it names rollout " + named + ", and the running rollout is " + rollout);
  }
}

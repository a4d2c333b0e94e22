package dev.amble.failure;

import io.temporal.failure.ActivityFailure;
import io.temporal.failure.CanceledFailure;

/**
 * A cancelled scope hands its activities back as an ActivityFailure caused by a CanceledFailure:
 * that is the walk being cancelled, not a worker fault, and must never be swallowed as one.
 */
public final class Cancellation {
  private Cancellation() {}

  public static void rethrow(ActivityFailure fault) {
    if (fault.getCause() instanceof CanceledFailure cancelled) {
      throw cancelled;
    }
  }
}

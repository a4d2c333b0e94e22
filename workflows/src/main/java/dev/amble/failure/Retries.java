package dev.amble.failure;

import io.temporal.common.RetryOptions;
import java.time.Duration;

/** How amble's workflows retry their activities: exponential backoff, bounded. */
public final class Retries {
  private Retries() {}

  /**
   * Retries from {@code first} apart, doubling up to {@code most} apart, {@code attempts} times in
   * all ({@code 0}: until the activity's schedule-to-close timeout, if any).
   */
  public static RetryOptions backoff(Duration first, Duration most, int attempts) {
    return RetryOptions.newBuilder()
        .setInitialInterval(first)
        .setMaximumInterval(most)
        .setMaximumAttempts(attempts)
        .build();
  }
}

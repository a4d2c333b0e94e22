package dev.amble.window;

import java.time.Instant;

/**
 * A stretch of time in which hosts may start their walk: from {@code opens} (inclusive) until
 * {@code closes} (exclusive), the cutoff already taken off the end. A period that opened before the
 * moment it was asked about is open now.
 */
public record StartPeriod(Instant opens, Instant closes) {

  /** Whether a host may start at {@code now}. */
  public boolean allowsStartAt(Instant now) {
    return !now.isBefore(opens) && now.isBefore(closes);
  }
}

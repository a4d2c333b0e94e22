package dev.amble.failure;

import io.temporal.failure.TemporalFailure;

/**
 * A failure in one line, for a host's reason or an operator's message: its root cause's message (a
 * Temporal failure's own message, without Temporal's decoration), at most 300 characters.
 */
public final class Failures {
  private Failures() {}

  public static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String m =
        root instanceof TemporalFailure failure ? failure.getOriginalMessage() : root.getMessage();
    m = (m == null ? root.getClass().getSimpleName() : m).replaceAll("\\s+", " ").strip();
    return m.length() > 300 ? m.substring(0, 297) + "..." : m;
  }
}

package dev.amble.rollout;

/** A failure in one line, for a host's reason: its root cause's message, at most 300 characters. */
final class Failures {
  private Failures() {}

  static String oneLine(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String m = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    m = m.replaceAll("\\s+", " ");
    return m.length() > 300 ? m.substring(0, 297) + "..." : m;
  }
}

package dev.amble.cli;

/** The operator-facing sentence inside a Temporal failure chain (e.g. a refused update). */
final class RolloutsErrors {
  private RolloutsErrors() {}

  static String message(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    String m =
        root instanceof io.temporal.failure.TemporalFailure failure
            ? failure.getOriginalMessage()
            : root.getMessage();
    return (m == null ? root.getClass().getSimpleName() : m).replaceAll("\\s+", " ");
  }
}

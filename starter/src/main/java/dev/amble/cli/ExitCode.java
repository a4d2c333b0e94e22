package dev.amble.cli;

/** amble's exit codes, as {@code amble --help} lists them. */
final class ExitCode {
  /** The command did what it was asked; for a rollout, every walked host succeeded. */
  static final int OK = 0;

  /** The rollout ended caught, or with failed hosts. */
  static final int ROLLOUT_FAILED = 1;

  /** Bad input: the Amblefile, an option, a name. Nothing was started. */
  static final int BAD_INPUT = 2;

  /** Temporal is unreachable, or failed a request. */
  static final int NO_TEMPORAL = 3;

  /** amble failed unexpectedly (a bug): one line on stderr, the stack trace with AMBLE_DEBUG=1. */
  static final int INTERNAL_ERROR = 4;

  /** Interrupted by the operator (Ctrl-C). */
  static final int INTERRUPTED = 130;

  private ExitCode() {}
}

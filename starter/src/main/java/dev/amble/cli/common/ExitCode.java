package dev.amble.cli.common;

/** amble's exit codes, as {@code amble --help} lists them. */
public final class ExitCode {
  /** The command did what it was asked; for a rollout, every walked host succeeded. */
  public static final int OK = 0;

  /** The rollout ended caught, or with failed hosts. */
  public static final int ROLLOUT_FAILED = 1;

  /** Bad input: the Amblefile, an option, a name. Nothing was started. */
  public static final int BAD_INPUT = 2;

  /** Temporal is unreachable, or failed a request. */
  public static final int NO_TEMPORAL = 3;

  /** amble failed unexpectedly (a bug): one line on stderr, the stack trace with AMBLE_DEBUG=1. */
  public static final int INTERNAL_ERROR = 4;

  /** Interrupted by the operator (Ctrl-C). */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}

package dev.amble.cli;

/** Ends a command with an exit code and a message for stderr (already worded for the operator). */
final class Exit extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;

  Exit(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  static Exit badInput(String message) {
    return new Exit(ExitCode.BAD_INPUT, message);
  }

  int code() {
    return code;
  }
}

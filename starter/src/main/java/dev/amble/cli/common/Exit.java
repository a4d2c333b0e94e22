package dev.amble.cli.common;

/** Ends a command with an exit code and a message for stderr (already worded for the operator). */
public final class Exit extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int code;

  public Exit(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public static Exit badInput(String message) {
    return new Exit(ExitCode.BAD_INPUT, message);
  }

  public int code() {
    return code;
  }
}

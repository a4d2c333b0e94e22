package dev.amble.precondition;

/** Whether a host meets a precondition, and if not, why not, in words an operator can act on. */
public record Verdict(boolean holds, String reason) {
  public static final Verdict HOLDS = new Verdict(true, "");

  public static Verdict fails(String reason) {
    return new Verdict(false, reason);
  }
}

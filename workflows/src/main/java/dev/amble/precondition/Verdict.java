package dev.amble.precondition;

/** Whether a host meets a precondition, and if not, why not, in words an operator can act on. */
public record Verdict(boolean holds, String reason) {
  public static final Verdict HOLDS = new Verdict(true, "");

  public static Verdict fails(String reason) {
    return new Verdict(false, reason);
  }

  /** What a reason says in place of a value from Ansible Vault. */
  public static final String VAULT = "<vault>";

  /**
   * This verdict with every one of {@code secrets} in its reason replaced by {@value #VAULT}
   * (longest first, so that a secret that holds another goes whole).
   */
  public Verdict without(java.util.Collection<String> secrets) {
    if (reason.isEmpty() || secrets.isEmpty()) {
      return this;
    }
    String redacted = reason;
    for (String secret :
        secrets.stream()
            .filter(s -> !s.isEmpty())
            .sorted(java.util.Comparator.comparingInt(String::length).reversed())
            .toList()) {
      redacted = redacted.replace(secret, VAULT);
    }
    return new Verdict(holds, redacted);
  }
}

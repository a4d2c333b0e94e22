package dev.amble.rollout;

import java.util.List;

/**
 * What Ansible's syntax check said of a rollout's playbooks: small, for history.
 *
 * @param error Ansible's own error line ({@code [ERROR]: ...}, or {@code ERROR! ...} from older
 *     Ansible); empty when it passed
 * @param origin where Ansible found the error, {@code FILE:LINE:COL} (a path of the Amblefile's
 *     folder as the CLI saw it); empty when Ansible named none
 * @param excerpt the lines of the file Ansible showed around the error, with its column marker
 * @param log the log of the check, on the machine that ran it
 */
public record SyntaxCheckResult(
    boolean passed, String error, String origin, List<String> excerpt, String log) {
  public SyntaxCheckResult {
    excerpt = excerpt == null ? List.of() : List.copyOf(excerpt);
  }

  public static SyntaxCheckResult pass(String log) {
    return new SyntaxCheckResult(true, "", "", List.of(), log);
  }

  /** Ansible's error, where, and the excerpt, on one line (for history and status). */
  public String describe() {
    StringBuilder s = new StringBuilder(error);
    if (!origin.isEmpty()) {
      s.append(" | Origin: ").append(origin);
    }
    excerpt.forEach(l -> s.append(" | ").append(l));
    return s.append(" (log: ").append(log).append(')').toString();
  }

  /** The same, a line each, as Ansible printed it (for a terminal). */
  public String report() {
    StringBuilder s = new StringBuilder(error).append('\n');
    if (!origin.isEmpty()) {
      s.append("Origin: ").append(origin).append('\n');
    }
    excerpt.forEach(l -> s.append(l).append('\n'));
    return s.append("(log: ").append(log).append(')').toString();
  }
}

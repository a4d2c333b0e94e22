package dev.amble.ansible;

import java.util.Arrays;
import java.util.Optional;

/**
 * The become password (Ansible's {@code -K}), held by the worker only. It is handed to Ansible
 * through a pipe by the launcher and never enters workflow input, history, logs, an environment or
 * an argument list. {@link #toString()} never shows it.
 */
public final class BecomePassword {
  private final char[] secret;

  private BecomePassword(char[] secret) {
    this.secret = secret.clone();
  }

  public static Optional<BecomePassword> of(char[] secret) {
    return secret == null || secret.length == 0
        ? Optional.empty()
        : Optional.of(new BecomePassword(secret));
  }

  /** The password as the launcher reads it: one line of UTF-8. */
  byte[] line() {
    byte[] text = new String(secret).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] line = Arrays.copyOf(text, text.length + 1);
    line[text.length] = '\n';
    Arrays.fill(text, (byte) 0);
    return line;
  }

  @Override
  public String toString() {
    return "BecomePassword(****)";
  }
}

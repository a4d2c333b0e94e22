package dev.amble.ansible;

import java.util.Optional;

/** The hosts an Ansible run is narrowed to, beyond what its plays or pattern name. */
public sealed interface Limit {
  /** No narrowing. */
  record None() implements Limit {}

  /**
   * Exactly one host, by name: it goes to Ansible in a private limit file, as an exact pattern (see
   * {@link RunFiles#limit}), never on the command line.
   */
  record Host(String name) implements Limit {}

  /** A host pattern as {@code --limit} takes it: the operator's, or the workspace's. */
  record Pattern(String pattern) implements Limit {}

  Limit NONE = new None();

  /** The operator's {@code --limit}, if any. */
  static Limit of(Optional<String> pattern) {
    return pattern.<Limit>map(Pattern::new).orElse(NONE);
  }
}

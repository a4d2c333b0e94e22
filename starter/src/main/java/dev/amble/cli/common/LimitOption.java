package dev.amble.cli.common;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code -l PATTERN}: narrows the workspace's hosts, as ansible-playbook --limit does. */
public final class LimitOption {
  @Option(
      names = {"-l", "--limit"},
      paramLabel = "PATTERN",
      description =
          "Only hosts that also match this Ansible host pattern, as ansible-playbook --limit.")
  String pattern;

  public Optional<String> get() {
    return Optional.ofNullable(pattern);
  }
}

package dev.amble.cli.look;

import java.util.Optional;
import picocli.CommandLine.Parameters;

/** {@code [NAME]}: the workspace a {@code workspace} command shows, resets or dumps. */
final class WorkspaceName {
  @Parameters(arity = "0..1", paramLabel = "NAME", description = "Default: the current workspace.")
  String name;

  Optional<String> get() {
    return Optional.ofNullable(name);
  }
}

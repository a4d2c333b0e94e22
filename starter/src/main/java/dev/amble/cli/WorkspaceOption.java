package dev.amble.cli;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code -w NAME}: the workspace to act on. */
final class WorkspaceOption {
  @Option(
      names = {"-w", "--workspace"},
      paramLabel = "NAME",
      description =
          "The workspace. Default: $AMBLE_WORKSPACE, else the one chosen with `amble workspace"
              + " use`, else the only one defined.")
  String name;

  Optional<String> get() {
    return Optional.ofNullable(name);
  }
}

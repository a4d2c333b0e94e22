package dev.amble.cli.common;

import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code -w NAME}: the workspace to act on. */
public final class WorkspaceOption {
  @Option(
      names = {"-w", "--workspace"},
      paramLabel = "NAME",
      description =
          "The workspace. Default: $AMBLE_WORKSPACE, else the one chosen with `amble workspace"
              + " use`, else the only one defined.")
  String name;

  public Optional<String> get() {
    return Optional.ofNullable(name);
  }
}

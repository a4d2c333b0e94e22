package dev.amble.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}, for the commands that print for people or for programs. */
final class OutputOption {
  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text or json. Default: ${DEFAULT-VALUE}.")
  PlanPrinter.Format format;

  boolean json() {
    return format == PlanPrinter.Format.json;
  }
}

package dev.amble.cli.common;

import picocli.CommandLine.Option;

/** {@code --output text|json}, for the commands that print for people or for programs. */
public final class OutputOption {
  /** The formats, as the option spells them. */
  enum Format {
    text,
    json
  }

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description = "text or json. Default: ${DEFAULT-VALUE}.")
  Format format;

  public boolean json() {
    return format == Format.json;
  }
}

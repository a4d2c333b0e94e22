package dev.amble.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code amble completion}: a shell completion script. */
@Command(
    header = "Prints a shell completion script.",
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Prints a completion script for bash and zsh.",
      "Load it for this shell with: source <(amble completion)",
      "or install it: amble completion > /etc/bash_completion.d/amble"
    })
final class CompletionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    CommandLine root = spec.root().commandLine();
    spec.commandLine().getOut().print(AutoComplete.bash("amble", root));
    spec.commandLine().getOut().flush();
  }
}

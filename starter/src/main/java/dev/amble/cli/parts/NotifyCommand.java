package dev.amble.cli.parts;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code amble notify}: the workspace's notifications. */
@Command(
    name = "notify",
    header = "The workspace's notifications (notify: in the Amblefile).",
    mixinStandardHelpOptions = true,
    subcommands = {NotifyTestCommand.class},
    description = {
      "A workspace's rollouts tell its notify: targets (webhook, slack, email) what happens: see"
          + " the README's Notifications. `amble status` shows the deliveries that gave up.",
      ""
    })
public final class NotifyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

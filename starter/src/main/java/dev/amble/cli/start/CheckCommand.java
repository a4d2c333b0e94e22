package dev.amble.cli.start;

import picocli.CommandLine.Command;

/** {@code amble check}: a dry run: plan, then every job with Ansible's --check. */
@Command(
    header = "A dry run: a rollout with ansible-playbook --check.",
    name = "check",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "A dry run of the workspace: a rollout like `amble run`, with every job run through"
          + " ansible-playbook --check --diff. Hosts are contacted (fresh facts, preconditions), but no"
          + " lock is taken, no remote state is written, and Ansible changes nothing. Outcomes are"
          + " `checked`, `skipped` or failures.",
      ""
    })
public final class CheckCommand extends RolloutCommand {
  @Override
  boolean dryRun() {
    return true;
  }
}

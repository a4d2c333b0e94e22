package dev.amble.cli.start;

import picocli.CommandLine.Command;

/** {@code amble run}: the rolling run. */
@Command(
    header = "Starts the rolling run and follows it.",
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Starts the rolling run of the workspace as a durable Temporal workflow (ID amble/PROJECT/WORKSPACE: one"
          + " rollout per workspace of a project at a time) and follows it: each failed host as it finishes, a progress"
          + " bar on a terminal (else the counts as they change), a summary at the end.",
      "",
      "Hosts are planned from cached facts (see `amble plan`), then walked CONCURRENCY at a time. Each"
          + " host: fresh facts and preconditions, its jobs, its exit jobs, finish. A host that fails"
          + " catches the rollout: no new host starts until `amble release` (retries the failed hosts) or"
          + " `amble release --skip-failed` (moves on).",
      "",
      "Ctrl-C detaches: the rollout goes on in Temporal. Follow it again with `amble status --watch`.",
      "A worker must run (`amble worker`), unless --embedded.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 every walked host succeeded; 1 the rollout is caught, or ended with failed hosts,"
          + " aborted or cancelled (`amble cancel`);"
          + " 2 bad input (nothing started; also when the workspace already has a rollout running);"
          + " 3 Temporal unreachable.",
      ""
    })
public final class RunCommand extends RolloutCommand {
  @Override
  boolean dryRun() {
    return false;
  }
}

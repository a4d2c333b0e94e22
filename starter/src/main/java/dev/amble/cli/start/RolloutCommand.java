package dev.amble.cli.start;

import dev.amble.cli.common.AnsiblePasswords;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.WorkspaceOption;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/** What {@code amble run} and {@code amble check} share: their options, and starting a rollout. */
abstract class RolloutCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;
  @Mixin RunOptions options;
  @Mixin TemporalOptions temporal;
  @Mixin AnsiblePasswords passwords;

  /** A dry run ({@code amble check}) rather than the rolling run. */
  abstract boolean dryRun();

  @Override
  public Integer call() throws InterruptedException {
    return RolloutLauncher.launch(spec, workspace, options, temporal, passwords, dryRun());
  }
}

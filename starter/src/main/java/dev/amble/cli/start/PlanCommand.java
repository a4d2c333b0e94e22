package dev.amble.cli.start;

import dev.amble.ansible.AnsibleException;
import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.VaultPassword;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.LimitOption;
import dev.amble.cli.common.OutputOption;
import dev.amble.cli.common.VaultPasswordOptions;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.plan.Plan;
import dev.amble.window.WindowStatus;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble plan}: offline, which hosts a run would walk, skip or retry, and why. */
@Command(
    header = "Shows offline what a run would do with each host, and why.",
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shows, without contacting any host, what a run of the workspace would do with each host,"
          + " in walk order:",
      "  walk     every job's preconditions hold on the cached facts",
      "  skip     a job's precondition is false (the job and the reason are shown)",
      "  retry    the host started this workflow earlier and never finished it",
      "  unknown  no cached facts (run `amble init`); a run walks it and its live facts decide",
      "",
      "Hosts come from ansible-inventory (the workspace's host pattern and --limit); facts and the"
          + " hosts' remote state come from the fact cache that `amble init` fills"
          + " (.amble/WORKSPACE/facts/ beside the Amblefile).",
      ""
    })
public final class PlanCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;

  @picocli.CommandLine.Mixin LimitOption limit;

  @Mixin OutputOption output;

  @Mixin VaultPasswordOptions vault;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description =
          "The shuffle seed, for the order of a workspace with sort_order shuffle (`amble run --seed N`"
              + " walks in the same order). Default: a random one.")
  Long seed;

  @Override
  public void run() {
    Invocation amble = Invocation.of(spec);
    Optional<VaultPassword> vaultPassword = vault.read(amble.env());
    Supplier<AnsibleInstallation> ansible = amble.ansibleAhead();
    String ws = amble.workspace(workspace.get());
    var definition = amble.definition(ws);
    ProcessRunner runner =
        new ProcessRunner(ansible.get(), Optional.empty(), amble.env())
            .withVaultPassword(vaultPassword);
    Plan plan;
    try {
      plan =
          new WorkspacePlanner(new Inventory(runner))
              .plan(
                  definition,
                  limit.get(),
                  seed != null ? seed : ThreadLocalRandom.current().nextLong());
    } catch (AnsibleException e) {
      throw new Exit(ExitCode.BAD_INPUT, "amble: " + e.getMessage());
    }
    if (plan.hosts().isEmpty()) {
      throw Exit.badInput("amble: " + definition.workspace().noHostsMatch(limit.get()));
    }
    Instant now = Instant.now();
    PlanPrinter.print(
        plan,
        output.json(),
        definition.workspace().windows().flatMap(w -> WindowStatus.at(w, now)),
        now,
        spec.commandLine().getOut());
  }
}

package dev.amble.cli.parts;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.AnsibleException;
import dev.amble.ansible.FactGathering;
import dev.amble.ansible.ProcessRunner;
import dev.amble.cli.common.AnsiblePasswords;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.LimitOption;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.rollout.InitRequest;
import dev.amble.rollout.InitResult;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code amble init}: gather facts for every host of the workspace into the fact cache. */
@Command(
    header = "Gathers every host's facts into the fact cache.",
    name = "init",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Gathers facts for every host of the workspace (one ansible-playbook run, FORKS hosts at a time)"
          + " into the fact cache beside the Amblefile (.amble/WORKSPACE/facts/), where `amble plan` and"
          + " `amble run` read them. The hosts' remote state and locks come with them. Changes nothing"
          + " on the hosts. Runs here, not through Temporal; run it again at any time.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 every host gathered; 1 some hosts could not be gathered; 2 bad input.",
      ""
    })
public final class InitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin WorkspaceOption workspace;

  @picocli.CommandLine.Mixin LimitOption limit;

  /** No short -f: that is amble's own -f FILE, which goes before the command. */
  @Option(
      names = "--forks",
      paramLabel = "N",
      defaultValue = "20",
      description = "Hosts gathered at once. Default: ${DEFAULT-VALUE}.")
  int forks;

  @Mixin AnsiblePasswords passwords;

  @Override
  public Integer call() {
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    Definition d = amble.definition(ws);
    if (forks < 1) {
      throw Exit.badInput("amble: --forks must be at least 1");
    }
    ProcessRunner runner = passwords.runner(amble);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "Gathering facts for workspace %s (hosts \"%s\"%s), %d at a time ...%n",
        ws,
        d.workspace().hostPattern(),
        limit.get().map(l -> ", limit \"" + l + "\"").orElse(""),
        forks);
    out.flush();
    InitResult result;
    try {
      result =
          new FactGathering(runner)
              .gather(new InitRequest(d.workspace(), d.folder(), limit.get(), forks));
    } catch (AnsibleException e) {
      throw new Exit(ExitCode.BAD_INPUT, "amble: " + e.getMessage());
    }
    if (result.hosts() == 0) {
      throw Exit.badInput(
          "amble: " + d.workspace().noHostsMatch(limit.get()) + "; see " + result.log());
    }
    for (InitResult.HostProblem p : result.problems()) {
      out.printf(
          "  %s  %s: %s%n", p.host(), p.unreachable() ? "unreachable" : "failed", p.message());
    }
    if (result.unlisted() > 0) {
      out.printf("  ... and %d more; see %s%n", result.unlisted(), result.log());
    }
    out.printf(
        "Facts gathered for %d of %d hosts. Log: %s%n",
        result.gathered(), result.hosts(), result.log());
    return result.gathered() == result.hosts() ? ExitCode.OK : ExitCode.ROLLOUT_FAILED;
  }
}

package dev.amble.cli.start;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.BecomePassword;
import dev.amble.ansible.VaultPassword;
import dev.amble.cli.common.AnsiblePasswords;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.cli.common.Invocation;
import dev.amble.cli.common.TemporalOptions;
import dev.amble.cli.common.TemporalSession;
import dev.amble.cli.common.WorkspaceOption;
import dev.amble.cli.look.RolloutWatcher;
import io.temporal.api.common.v1.WorkflowExecution;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What run and check do: pack the content, check its playbooks ({@link ContentSyntax}), start the
 * workspace's rollout ({@link RolloutStarter}), then follow it.
 */
final class RolloutLauncher {
  private RolloutLauncher() {}

  /** The workspace, the become and vault passwords (only with --embedded), then {@link #launch}. */
  static int launch(
      CommandSpec spec,
      WorkspaceOption workspace,
      RunOptions options,
      TemporalOptions temporal,
      AnsiblePasswords passwords,
      boolean check)
      throws InterruptedException {
    Invocation amble = Invocation.of(spec);
    String ws = amble.workspace(workspace.get());
    PrintWriter err = spec.commandLine().getErr();
    Optional<BecomePassword> password = Optional.empty();
    Optional<VaultPassword> vaultPassword = Optional.empty();
    if (options.embedded) {
      password = passwords.become(amble.env());
      vaultPassword = passwords.vault(amble.env());
    } else {
      passwords.refuseHere(check ? "check" : "run", amble.env(), err);
    }
    return launch(
        amble,
        ws,
        options,
        temporal,
        check,
        password,
        vaultPassword,
        spec.commandLine().getOut(),
        err);
  }

  /**
   * Starts the rollout of the workspace and, unless detached, follows it; returns the exit code.
   */
  static int launch(
      Invocation amble,
      String workspace,
      RunOptions options,
      TemporalOptions temporal,
      boolean check,
      Optional<BecomePassword> become,
      Optional<VaultPassword> vault,
      PrintWriter out,
      PrintWriter err)
      throws InterruptedException {
    if (options.noLocalSyntaxCheck && options.embedded) {
      throw Exit.badInput(
          "amble: --no-local-syntax-check and --embedded: with --embedded this command is the"
              + " worker, and checks the playbooks itself.");
    }
    Definition asRun = options.definition(amble.definition(workspace));
    RolloutContent content = RolloutContent.pack(asRun);
    if (!options.noLocalSyntaxCheck
        && ContentSyntax.check(asRun, amble.env(), options.embedded, vault, err)) {
      amble.ansibleAnswered("ansible-playbook");
    }
    try (TemporalSession session =
        TemporalSession.open(
            amble, temporal, options.embedded, options.embeddedPort(), become, vault, err)) {
      Definition d = content.keep(session.client, session.taskQueue, out);
      WorkflowExecution started =
          new RolloutStarter(session, out, err).start(workspace, d, options, check);
      content.printNotes(err);
      if (options.detach) {
        out.printf("Detached. Follow it with `amble status --watch -w %s`.%n", workspace);
        return ExitCode.OK;
      }
      return new RolloutWatcher(out, err, System.console() != null, Duration.ofSeconds(1))
          .follow(session.client, workspace, started, session.isEmbedded());
    }
  }
}

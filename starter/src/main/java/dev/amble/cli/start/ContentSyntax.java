package dev.amble.cli.start;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.AnsibleException;
import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.AnsibleNotFoundException;
import dev.amble.ansible.PlaybookSyntax;
import dev.amble.ansible.VaultPassword;
import dev.amble.ansible.WorkspaceDir;
import dev.amble.cli.common.Exit;
import dev.amble.cli.common.ExitCode;
import dev.amble.rollout.SyntaxCheckResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Ansible's syntax check of a rollout's playbooks on the CLI's machine, before anything starts: a
 * failure refuses to start (exit 2) with Ansible's error, its file and line. Without Ansible here
 * (the worker runs elsewhere) the check is left to the worker, which makes it again at the
 * rollout's start anyway.
 */
final class ContentSyntax {
  /** What Ansible says of a vault-encrypted file it has no password for. */
  static final String VAULT_LOCKED = "no vault secrets found";

  private ContentSyntax() {}

  /**
   * @param vault the vault password this command holds (with --embedded), for vault-encrypted
   *     playbooks and vars files
   * @return whether ansible-playbook ran here and answered (the check passed, or was left to the
   *     worker for the vault): then it need not be asked for its version
   */
  static boolean check(
      Definition d,
      Map<String, String> env,
      boolean embedded,
      Optional<VaultPassword> vault,
      PrintWriter err) {
    AnsibleInstallation ansible;
    try {
      ansible = AnsibleInstallation.find(env);
    } catch (AnsibleNotFoundException e) {
      if (!embedded) {
        leftToWorker("no Ansible on this machine", err);
      }
      // --embedded: the embedded worker refuses to start without Ansible, and says why
      return false;
    }
    Path folder = Path.of(d.folder());
    SyntaxCheckResult r;
    Path noFacts = null;
    try {
      // The check reads no host's facts: Ansible's fact cache goes to a folder of its own, so
      // that the workspace's (jsonfile in the project, or Redis) is not touched.
      noFacts = Files.createTempDirectory("amble-syntax-facts");
      r =
          PlaybookSyntax.once(ansible, env, vault)
              .check(d, folder, WorkspaceDir.of(folder, d.workspace().name()).withFacts(noFacts));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (AnsibleException e) {
      if (embedded) {
        throw new Exit(ExitCode.BAD_INPUT, "amble: " + e.getMessage());
      }
      leftToWorker("Ansible could not run here (" + e.getMessage() + ")", err);
      return false;
    } finally {
      if (noFacts != null) {
        try {
          WorkspaceDir.deleteTree(noFacts);
        } catch (IOException e) {
          err.printf("amble: could not remove %s: %s%n", noFacts, e.getMessage());
        }
      }
    }
    if (!r.passed() && r.error().contains(VAULT_LOCKED)) {
      // Vault-encrypted files this command cannot open: the worker, which has the password, can.
      leftToWorker("the content has vault-encrypted files and no vault password here", err);
      return true;
    }
    if (!r.passed()) {
      throw Exit.badInput(
          "amble: Ansible's syntax check of workspace "
              + d.workspace().name()
              + "'s playbooks failed; nothing was started:\n"
              + r.report());
    }
    return true;
  }

  private static void leftToWorker(String why, PrintWriter err) {
    err.printf("amble: %s: Ansible's syntax check is left to the worker.%n", why);
    err.flush();
  }
}

package dev.amble.cli.common;

import dev.amble.ansible.BecomePassword;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.VaultPassword;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;

/**
 * The become and vault passwords, for a command whose process runs Ansible (or, for run and check,
 * may: with --embedded).
 */
public final class AnsiblePasswords {
  @Mixin BecomePasswordOptions become;
  @Mixin VaultPasswordOptions vault;

  public Optional<BecomePassword> become(Map<String, String> env) {
    return become.read(env);
  }

  public Optional<VaultPassword> vault(Map<String, String> env) {
    return vault.read(env);
  }

  /** Ansible on this machine (see {@link Invocation#ansible}), run with both passwords. */
  public ProcessRunner runner(Invocation amble) {
    return new ProcessRunner(amble.ansible(), become(amble.env()), amble.env())
        .withVaultPassword(vault(amble.env()));
  }

  /**
   * For a command whose Ansible runs in a worker elsewhere: see {@link PasswordElsewhere}, for each
   * password.
   */
  public void refuseHere(String command, Map<String, String> env, PrintWriter err) {
    become.refuseHere(command, env, err);
    vault.refuseHere(command, env, err);
  }
}

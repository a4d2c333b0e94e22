package dev.amble.cli.common;

import dev.amble.ansible.VaultPassword;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The Ansible Vault password, for the process that runs Ansible (a worker, or a command that runs
 * Ansible itself): asked at a prompt, or read from a file named by the option or by
 * $AMBLE_VAULT_PASSWORD_FILE. It stays in this process: it never reaches Temporal, a log, a file or
 * an argument list, and Ansible gets it on a pipe of its own.
 */
public final class VaultPasswordOptions {
  @Option(
      names = {"-J", "--ask-vault-pass", "--ask-vault-password"},
      description =
          "Ask for the Ansible Vault password at a prompt. Else: --vault-password-file, else"
              + " $AMBLE_VAULT_PASSWORD_FILE.")
  boolean ask;

  @Option(
      names = {"--vault-password-file", "--vault-pass-file"},
      paramLabel = "FILE",
      description =
          "Read the Ansible Vault password from FILE (as Ansible does: its content, trimmed).")
  Path file;

  /** The variable that may name the password file. */
  static final String VARIABLE = "AMBLE_VAULT_PASSWORD_FILE";

  /** For a command whose Ansible runs in a worker elsewhere: see {@link PasswordElsewhere}. */
  void refuseHere(String command, Map<String, String> env, PrintWriter err) {
    String elsewhere =
        "the vault password goes to the worker that runs Ansible (`amble worker"
            + " --vault-password-file FILE`), not to `amble "
            + command
            + "`; with --embedded, the worker is this command and takes it";
    PasswordElsewhere.refuse(
        ask
            ? Optional.of("--ask-vault-pass")
            : Optional.ofNullable(file).map(f -> "--vault-password-file"),
        VARIABLE,
        elsewhere,
        env,
        err);
  }

  public Optional<VaultPassword> read(Map<String, String> env) {
    if (ask) {
      Console console = System.console();
      if (console == null) {
        throw Exit.badInput(
            "amble: --ask-vault-pass needs a terminal to ask on; use --vault-password-file or "
                + VARIABLE);
      }
      char[] typed = console.readPassword("Vault password: ");
      return VaultPassword.of(typed == null ? new char[0] : typed);
    }
    if (file != null) {
      return read(file, "--vault-password-file");
    }
    String named = env.get(VARIABLE);
    return named == null || named.isBlank() ? Optional.empty() : read(Path.of(named), VARIABLE);
  }

  private static Optional<VaultPassword> read(Path path, String from) {
    if (Files.isRegularFile(path) && Files.isExecutable(path)) {
      throw Exit.badInput(
          "amble: "
              + from
              + ": "
              + path
              + " is executable: amble reads a vault password file, it does not run vault password"
              + " scripts; hand it the script's output instead, e.g. --vault-password-file <("
              + path
              + ")");
    }
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw Exit.badInput(
          "amble: " + from + ": cannot read the vault password file " + path + ": " + describe(e));
    }
    return VaultPassword.of(text.toCharArray())
        .or(
            () -> {
              throw Exit.badInput(
                  "amble: " + from + ": the vault password file " + path + " is empty");
            });
  }

  private static String describe(Exception e) {
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.charset.MalformedInputException) {
      return "it is not UTF-8 text";
    }
    return e.getMessage();
  }
}

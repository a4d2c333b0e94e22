package dev.amble.cli.common;

import dev.amble.ansible.BecomePassword;
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
 * The become password, for the process that runs Ansible (a worker, or an embedded run): asked at a
 * prompt, read from a file, or from $AMBLE_BECOME_PASSWORD. It stays in this process: it never
 * reaches Temporal, a log, or an argument list.
 */
final class BecomePasswordOptions {
  @Option(
      names = {"-K", "--ask-become-pass"},
      description =
          "Ask for the become (sudo) password at a prompt. Else: --become-password-file, else $AMBLE_BECOME_PASSWORD.")
  boolean ask;

  @Option(
      names = "--become-password-file",
      paramLabel = "FILE",
      description = "Read the become password from the first line of FILE.")
  Path file;

  /** The variable a password may come from, for the commands that run Ansible themselves. */
  static final String VARIABLE = "AMBLE_BECOME_PASSWORD";

  /** For a command whose Ansible runs in a worker elsewhere: see {@link PasswordElsewhere}. */
  void refuseHere(String command, Map<String, String> env, PrintWriter err) {
    String elsewhere =
        "the become password goes to the worker that runs Ansible (`amble worker -K`), not to `amble "
            + command
            + "`; with --embedded, the worker is this command and takes it";
    PasswordElsewhere.refuse(
        ask ? Optional.of("-K") : Optional.ofNullable(file).map(f -> "--become-password-file"),
        VARIABLE,
        elsewhere,
        env,
        err);
  }

  Optional<BecomePassword> read(Map<String, String> env) {
    if (ask) {
      Console console = System.console();
      if (console == null) {
        throw Exit.badInput(
            "amble: -K needs a terminal to ask on; use --become-password-file or AMBLE_BECOME_PASSWORD");
      }
      return BecomePassword.of(console.readPassword("BECOME password: "));
    }
    if (file != null) {
      try {
        String line = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("");
        return BecomePassword.of(line.toCharArray());
      } catch (IOException e) {
        throw Exit.badInput(
            "amble: cannot read the become password file " + file + ": " + e.getMessage());
      }
    }
    String fromEnv = env.get(VARIABLE);
    return fromEnv == null ? Optional.empty() : BecomePassword.of(fromEnv.toCharArray());
  }
}

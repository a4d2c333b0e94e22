package dev.amble.ansible;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Vault-encrypted vars for tests, written by the real {@code ansible-vault}. */
public final class AnsibleVaultFiles {
  private AnsibleVaultFiles() {}

  /**
   * What a vault test looks for everywhere, unique to the test run: the password, the token (an
   * inline vault value) and the other host's value (from a file encrypted whole).
   */
  public record Secrets(String password, String token, String other) {
    public static Secrets fresh() {
      return new Secrets(
          "amble-vault-pw-" + UUID.randomUUID(),
          "amble-vaulted-" + UUID.randomUUID(),
          "amble-other-" + UUID.randomUUID());
    }

    public List<String> all() {
      return List.of(password, token, other);
    }
  }

  /**
   * The vars both vault tests use, beside the inventory in {@code folder}: group {@code fleet} gets
   * {@code vault_token} (the token) and {@code vault_count} ("7") as inline vault values; {@code
   * host}'s host_vars file, encrypted whole, sets {@code vault_count} to {@code other}: not a
   * number, so that a precondition's evaluation error would print it.
   */
  public static void writeVars(
      Path folder, Path passwordFile, String token, String host, String other) throws Exception {
    Files.createDirectories(folder.resolve("group_vars"));
    Files.writeString(
        folder.resolve("group_vars/fleet.yml"),
        encryptString(passwordFile, "vault_token", token)
            + encryptString(passwordFile, "vault_count", "7"));
    Path hostVars = folder.resolve("host_vars").resolve(host + ".yml");
    Files.createDirectories(hostVars.getParent());
    Files.writeString(hostVars, "vault_count: \"" + other + "\"\n");
    encrypt(passwordFile, hostVars);
  }

  /** {@code NAME: !vault |...}, a YAML line (the value goes on stdin, never in an argument). */
  public static String encryptString(Path passwordFile, String name, String value)
      throws Exception {
    return vault(passwordFile, value, "encrypt_string", "--stdin-name", name) + "\n";
  }

  /** Encrypts the file whole, in place ({@code ansible-vault encrypt}). */
  public static void encrypt(Path passwordFile, Path file) throws Exception {
    vault(passwordFile, "", "encrypt", file.toString());
  }

  private static String vault(Path passwordFile, String stdin, String command, String... args)
      throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(LocalFleet.ansible().bin().resolve("ansible-vault").toString());
    argv.add(command);
    argv.add("--vault-password-file");
    argv.add(passwordFile.toString());
    argv.addAll(List.of(args));
    Process p = new ProcessBuilder(argv).start();
    p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ansible-vault " + command + " hangs");
    assertEquals(0, p.exitValue(), "ansible-vault " + command + ": " + err);
    return out;
  }
}

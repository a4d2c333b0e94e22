package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.ansible.AnsibleVaultFiles;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.SecretWatcher;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ansible Vault through the CLI, with the real ansible-vault: {@code amble run --embedded
 * --vault-password-file} walks a host whose job uses an inline vault value from group_vars and
 * skips one whose vault-encrypted host_vars make its precondition false (the reason says {@code
 * <vault>}); {@code amble plan} with $AMBLE_VAULT_PASSWORD_FILE decides the same. The password and
 * the plaintexts are in no history, log, file, argument list or environment. A missing password
 * file, and a password for a run whose worker is elsewhere, are refused before anything starts.
 */
class VaultCliTest {
  @TempDir Path dir;

  /** The hosts, their inventory and its group_vars and host_vars. */
  @TempDir Path hosts;

  /** Where the password file lives: outside what the test searches for leftovers. */
  @TempDir Path secrets;

  static final AnsibleVaultFiles.Secrets S = AnsibleVaultFiles.Secrets.fresh();

  @Test
  void anEmbeddedRunAndAPlanUseVaultedVarsAndLeakNone() throws Exception {
    Path passwordFile = secrets.resolve("vault-password");
    Files.writeString(passwordFile, S.password() + "\n");
    LocalFleet fleet =
        LocalFleet.create(hosts, "h", 2, (host, vars) -> vars.put("amble_state_become", false));
    AnsibleVaultFiles.writeVars(hosts, passwordFile, S.token(), "h02", S.other());
    Path reached = hosts.resolve("reached");
    Path go = hosts.resolve("go");
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          vaulted: { host_pattern: fleet, workflow: w, inventory: %s, sort_order: descending }
        workflows:
          w:
            jobs: [ { job: use-token }, { job: hold } ]
        jobs:
          use-token:
            become: false
            preconditions: >
              vars.vault_token.startsWith("amble-vaulted-") && int(vars.vault_count) > 5
            tasks:
              - name: write the token
                ansible.builtin.copy:
                  content: "{{ vault_token }}"
                  dest: "%s/{{ inventory_hostname }}.token"
          hold:
            become: false
            tasks:
              - ansible.builtin.copy: { content: "", dest: "%s" }
              - ansible.builtin.wait_for: { path: "%s", timeout: 300 }
        """
            .formatted(fleet.inventory(), hosts, reached, go));

    SecretWatcher watcher = SecretWatcher.start(S.all());
    EmbeddedRun embedded =
        EmbeddedRun.start(dir, "run", "--vault-password-file", passwordFile.toString());
    String address = embedded.awaitAddress();
    // h02 goes first (descending) and is skipped; h01 holds in its last job, its vault job over.
    // The histories so far
    // hold all of it.
    awaitFile(reached, embedded);
    String history = histories(address, List.of("", "/h01", "/h02"));
    CliRun status = CliRun.run(dir, Map.of("TEMPORAL_ADDRESS", address), "status");
    Files.writeString(go, "go\n");
    CliRun run = embedded.run().get(3, TimeUnit.MINUTES);
    Set<String> leaks = watcher.stop();

    assertEquals(0, run.code(), run.toString());
    assertEquals(S.token(), Files.readString(hosts.resolve("h01.token")), "the task got no token");
    assertFalse(Files.exists(hosts.resolve("h02.token")), "h02's precondition was false");
    assertTrue(history.contains("use-token"), "the histories are readable: " + history.length());
    assertTrue(history.contains("<vault>"), "h02's reason names <vault>");
    for (String secret : S.all()) {
      assertFalse(history.contains(secret), "a secret is in the history");
      assertFalse(status.out().contains(secret), status.toString());
      assertFalse(run.out().contains(secret) || run.err().contains(secret), run.toString());
    }

    // The plan, with the password file named by the environment, reads the facts the run cached.
    Files.delete(reached);
    SecretWatcher planWatcher = SecretWatcher.start(S.all());
    CliRun plan =
        CliRun.run(dir, Map.of("AMBLE_VAULT_PASSWORD_FILE", passwordFile.toString()), "plan");
    leaks.addAll(planWatcher.stop());
    assertEquals(0, plan.code(), plan.toString());
    assertTrue(plan.out().matches("(?s).*h01 +walk.*"), plan.out());
    assertTrue(plan.out().matches("(?s).*h02 +skip.*<vault>.*"), plan.out());
    assertFalse(S.all().stream().anyMatch(plan.out()::contains), plan.out());

    assertEquals(Set.of(), leaks, "a secret was in a process's arguments or environment");
    assertEquals(
        Set.of(hosts.resolve("h01.token")),
        SecretWatcher.filesHolding(
            S.all(), dir, hosts, Path.of(System.getProperty("user.home"), ".ansible", "tmp")),
        "a secret was left in a file (the logs are under " + dir.resolve(".amble") + ")");
  }

  @Test
  void aMissingPasswordFileStartsNothing() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    Path missing = dir.resolve("no-such-file");
    CliRun r = CliRun.run(dir, "run", "--embedded", "--vault-password-file", missing.toString());
    assertEquals(2, r.code(), r.toString());
    assertEquals(
        "amble: --vault-password-file: cannot read the vault password file "
            + missing
            + ": no such file\n",
        r.err());
    CliRun env = CliRun.run(dir, Map.of("AMBLE_VAULT_PASSWORD_FILE", missing.toString()), "worker");
    assertEquals(2, env.code(), env.toString());
    assertTrue(env.err().startsWith("amble: AMBLE_VAULT_PASSWORD_FILE: cannot read"), env.err());
    Path script = dir.resolve("vault-script");
    Files.writeString(script, "#!/bin/sh\necho pw\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    CliRun executable = CliRun.run(dir, "plan", "--vault-password-file", script.toString());
    assertEquals(2, executable.code(), executable.toString());
    assertTrue(executable.err().contains("is executable"), executable.err());
  }

  @Test
  void aRunWhoseWorkerIsElsewhereRefusesThePassword() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CliRun r = CliRun.run(dir, "check", "--vault-password-file", "/etc/amble/vault");
    assertEquals(2, r.code(), r.toString());
    assertEquals(
        "amble: --vault-password-file: the vault password goes to the worker that runs Ansible"
            + " (`amble worker --vault-password-file FILE`), not to `amble check`; with --embedded,"
            + " the worker is this command and takes it.\n",
        r.err());
    String nowhere = TemporalTroubleCliTest.closedPort();
    CliRun noted =
        CliRun.run(
            dir,
            Map.of("AMBLE_VAULT_PASSWORD_FILE", "/etc/amble/vault", "TEMPORAL_ADDRESS", nowhere),
            "run");
    assertEquals(3, noted.code(), "goes on to connect: " + noted);
    assertTrue(
        noted.err().startsWith("amble: AMBLE_VAULT_PASSWORD_FILE is set and ignored: "),
        noted.err());
  }

  private static void awaitFile(Path file, EmbeddedRun embedded) throws InterruptedException {
    for (int i = 0; i < 1500 && !Files.exists(file); i++) {
      if (embedded.run().isDone()) {
        throw new AssertionError("the run ended early: " + embedded.run().join());
      }
      Thread.sleep(100);
    }
    assertTrue(Files.exists(file), "h01 never reached its last job");
  }

  /** The raw histories of the rollout and of its host walks, as text. */
  private static String histories(String address, List<String> suffixes) {
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(address).build());
    try {
      WorkflowClient client =
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
      StringBuilder all = new StringBuilder();
      for (String suffix : suffixes) {
        all.append(client.fetchHistory("amble/default/vaulted" + suffix).getHistory()).append('\n');
      }
      return all.toString();
    } finally {
      stubs.shutdownNow();
    }
  }
}

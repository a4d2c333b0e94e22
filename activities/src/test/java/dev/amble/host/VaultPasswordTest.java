package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.AnsibleVaultFiles;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.SecretWatcher;
import dev.amble.ansible.VaultPassword;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.plan.Decision;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.worker.HostActivitiesImpl;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ansible Vault through the activities, with the real ansible-vault: an inline vault value in
 * group_vars reaches a job's task and a precondition, a vault-encrypted host_vars file makes the
 * other host's precondition fail (its reason says {@code <vault>}, not the value), the plan decides
 * the same, with and without amble's Ansible executor; the password and the plaintexts appear in no
 * activity input or output, plan, file, argument list or environment.
 */
class VaultPasswordTest {
  @TempDir Path dir;
  @TempDir Path secrets;

  static final AnsibleVaultFiles.Secrets S = AnsibleVaultFiles.Secrets.fresh();

  @Test
  void vaultedVarsReachTasksAndPreconditionsAndNothingElse() throws Exception {
    LocalFleet fleet = LocalFleet.create(dir, "vault", 2, (h, v) -> {});
    Path passwordFile = secrets.resolve("password");
    Files.writeString(passwordFile, S.password() + "\n");
    AnsibleVaultFiles.writeVars(dir, passwordFile, S.token(), "vault02", S.other());
    Files.delete(passwordFile);

    Path written = dir.resolve("hosts/token");
    Definition d =
        Definitions.write(
            dir,
            "vaulted",
            """
            workspaces:
              vaulted: { host_pattern: fleet, workflow: w, inventory: inventory.yml }
            workflows:
              w: { jobs: [ { job: use-token } ] }
            jobs:
              use-token:
                become: false
                preconditions: >
                  vars.vault_token.startsWith("amble-vaulted-") && int(vars.vault_count) > 5
                tasks:
                  - name: write the token
                    ansible.builtin.copy:
                      content: "{{ vault_token }}"
                      dest: "%s"
            """
                .formatted(written));

    Optional<VaultPassword> password = VaultPassword.of(S.password().toCharArray());
    ProcessRunner viaExecutor =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv())
            .withVaultPassword(password);
    Map<String, String> noExecutor = new HashMap<>(System.getenv());
    noExecutor.put("AMBLE_ANSIBLE_EXECUTOR", "off");
    ProcessRunner direct =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), noExecutor)
            .withVaultPassword(password);

    SecretWatcher watcher = SecretWatcher.start(S.all());
    List<Object> seen = new ArrayList<>();
    Set<String> leaks;
    Plan plan;
    Inventory.Hosts direct0;
    try {
      // The first host, through the executor: walked, its task got the decrypted token.
      seen.addAll(
          WalkOneHost.walk(
              new HostActivitiesImpl(viaExecutor, "test", Clock.systemUTC()), d, "vault01", "r1"));
      // The second, without it: its precondition fails on the value of the encrypted file.
      PrepareRequest prepare =
          new PrepareRequest(
              new HostTarget("vaulted", d.folder(), d.workspace().inventory(), "vault02"),
              "w",
              List.of(
                  new JobPreconditions(
                      "use-token",
                      d.steps().get(0).job().preconditions(),
                      d.steps().get(0).options())));
      Preparation p =
          new HostActivitiesImpl(direct, "test", Clock.systemUTC()).prepareHost(prepare);
      seen.add(prepare);
      seen.add(p);
      assertTrue(p.run().ok(), p.toString());
      assertFalse(p.verdicts().get(0).holds(), p.toString());
      assertTrue(p.verdicts().get(0).reason().contains("<vault>"), p.toString());

      plan = new WorkspacePlanner(new Inventory(viaExecutor)).plan(d, Optional.empty(), 1);
      direct0 = new WorkspacePlanner(new Inventory(direct)).hosts(d, Optional.empty());
    } finally {
      leaks = watcher.stop();
    }
    seen.add(plan);
    assertEquals(S.token(), Files.readString(written), "the task did not get the decrypted token");
    Map<String, HostPlan> byHost = new HashMap<>();
    plan.hosts().forEach(h -> byHost.put(h.host(), h));
    assertEquals(Decision.WALK, byHost.get("vault01").decision(), plan.toString());
    assertEquals(Decision.SKIP, byHost.get("vault02").decision(), plan.toString());
    assertTrue(byHost.get("vault02").reason().contains("<vault>"), plan.toString());
    assertEquals(S.token(), direct0.varsOf("vault01").path("vault_token").asText());

    assertEquals(
        List.of(), List.copyOf(leaks), "a secret was in a process's arguments or environment");
    for (Object io : seen) {
      String json =
          new String(
              DefaultDataConverter.STANDARD_INSTANCE
                  .toPayload(io)
                  .orElseThrow()
                  .getData()
                  .toByteArray(),
              StandardCharsets.UTF_8);
      for (String secret : List.of(S.password(), S.token(), S.other())) {
        assertFalse(
            json.contains(secret), "a secret was in an activity's input or output: " + json);
      }
    }
    assertEquals(
        Set.of(written),
        SecretWatcher.filesHolding(S.all(), dir, secrets),
        "a secret was left in a file (only the task's own file holds the token)");
  }

  @Test
  void aWrongPasswordFailsWithAnsiblesMessage() throws Exception {
    LocalFleet fleet = LocalFleet.create(dir, "wrong", 1, (h, v) -> {});
    Path passwordFile = secrets.resolve("password");
    Files.writeString(passwordFile, S.password());
    Path hostVars = dir.resolve("host_vars/wrong01.yml");
    Files.createDirectories(hostVars.getParent());
    Files.writeString(hostVars, "vault_count: 7\n");
    AnsibleVaultFiles.encrypt(passwordFile, hostVars);
    Definition d =
        Definitions.write(
            dir,
            "wrong",
            """
            workspaces:
              wrong: { host_pattern: fleet, workflow: w, inventory: inventory.yml }
            workflows:
              w: { jobs: [ { job: j } ] }
            jobs:
              j: { preconditions: "int(vars.vault_count) > 5" }
            """);
    ProcessRunner runner =
        new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv())
            .withVaultPassword(VaultPassword.of("not-the-password".toCharArray()));
    Preparation p =
        new HostActivitiesImpl(runner, "test", Clock.systemUTC())
            .prepareHost(
                new PrepareRequest(
                    new HostTarget("wrong", d.folder(), d.workspace().inventory(), "wrong01"),
                    "w",
                    List.of(
                        new JobPreconditions(
                            "j",
                            "int(vars.vault_count) > 5",
                            com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
                                .objectNode()))));
    assertFalse(p.run().ok(), p.toString());
    assertTrue(p.run().message().contains("Decryption failed"), p.toString());
    assertFalse(p.toString().contains("not-the-password"), p.toString());
  }
}

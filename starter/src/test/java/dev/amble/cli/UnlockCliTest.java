package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.cli.common.Identity;
import dev.amble.host.Claim;
import dev.amble.host.HostTarget;
import dev.amble.host.JobRequest;
import dev.amble.host.RunResult;
import dev.amble.worker.HostActivitiesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble unlock HOST} with real Ansible on local hosts: it removes whichever workspace's lock
 * the host has, records on the host who unlocked it, when, why and which lock, and another
 * workspace's claim then wins.
 */
class UnlockCliTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static final String AMBLEFILE =
      """
      workspaces:
        alpha:
          host_pattern: fleet
          workflow: patch
          inventory: inventory.yml
        beta:
          host_pattern: fleet
          workflow: patch
          inventory: inventory.yml
      workflows:
        patch:
          jobs: [ { job: patch } ]
      jobs:
        patch:
          become: false
      """;

  @TempDir static Path dir;
  static LocalFleet fleet;

  @BeforeAll
  static void fleet() throws Exception {
    fleet = LocalFleet.create(dir, "u", 3, (host, vars) -> vars.put("amble_state_become", false));
    Files.writeString(dir.resolve("Amblefile.yml"), AMBLEFILE);
  }

  @Test
  void removesAnotherWorkspacesLockRecordsWhoAndWhyAndLetsAnotherClaimWin() throws Exception {
    fleet.localFact(
        "u01",
        "amble_lock",
        Map.of(
            "workspace", "alpha",
            "rollout", "r-dead",
            "controller", "worker@gone:42",
            "since", "2026-11-20T10:00:00Z"));
    fleet.localFact(
        "u01",
        "amble_state",
        Map.of(
            "workspaces",
            Map.of(
                "alpha",
                Map.of(
                    "workflow", "patch", "rollout", "r-dead", "started", "2026-11-20T10:00:00Z"))));

    CliRun run =
        CliRun.run(
            dir,
            "unlock",
            "u01",
            "-w",
            "beta",
            "--reason",
            "alpha's worker died",
            "--output",
            "json");
    assertEquals(0, run.code(), run.toString());
    JsonNode printed = JSON.readTree(run.out());
    assertTrue(printed.get("unlocked").asBoolean(), run.out());
    assertEquals("default", printed.get("project").asText(), run.out());
    assertEquals("alpha", printed.at("/lock/workspace").asText(), run.out());
    assertEquals("r-dead", printed.at("/lock/rollout").asText(), run.out());
    assertEquals("worker@gone:42", printed.at("/lock/controller").asText(), run.out());
    assertEquals("2026-11-20T10:00:00Z", printed.at("/lock/since").asText(), run.out());

    assertFalse(Files.exists(lockFile("u01")), "the lock is still there");
    JsonNode state = JSON.readTree(fleet.stateDir("u01").resolve("amble_state.fact").toFile());
    JsonNode unlocked = state.get("unlocked");
    assertEquals(Identity.operator(), unlocked.get("by").asText(), state.toString());
    assertEquals("alpha's worker died", unlocked.get("reason").asText(), state.toString());
    assertEquals(printed.get("when").asText(), unlocked.get("when").asText(), state.toString());
    assertEquals("r-dead", unlocked.at("/lock/rollout").asText(), state.toString());
    assertEquals(
        "2026-11-20T10:00:00Z",
        state.at("/workspaces/alpha/started").asText(),
        "unlock kept the workspaces' records: " + state);

    // The host is free: another workspace's claim takes it.
    Definition beta =
        AmblefileLoader.load(dir.resolve("Amblefile.yml"), "Amblefile.yml").definition("beta");
    HostActivitiesImpl host =
        new HostActivitiesImpl(
            new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv()),
            "test@controller",
            Clock.systemUTC());
    RunResult claimed =
        host.runJob(
            new JobRequest(
                new HostTarget("beta", beta.folder(), beta.workspace().inventory(), "u01"),
                beta.steps().get(0),
                false,
                Optional.of(new Claim("patch", "r-beta", false))));
    assertTrue(claimed.ok(), claimed.toString());
    assertEquals("beta", JSON.readTree(lockFile("u01").toFile()).get("workspace").asText());
    JsonNode after = JSON.readTree(fleet.stateDir("u01").resolve("amble_state.fact").toFile());
    assertEquals(
        "alpha's worker died",
        after.at("/unlocked/reason").asText(),
        "a claim dropped the record: " + after);
  }

  @Test
  void namesTheProjectWhoseLockItRemoved() {
    fleet.localFact(
        "u03",
        "amble_lock",
        Map.of(
            "workspace", "shop/prod",
            "project", "shop",
            "rollout", "r-shop",
            "controller", "worker@shop:1",
            "since", "2026-11-20T10:00:00Z"));
    CliRun run = CliRun.run(dir, "unlock", "u03", "-w", "beta", "-r", "shop is done");
    assertEquals(0, run.code(), run.toString());
    assertTrue(
        run.out().contains("removed the lock of project shop's workspace prod (rollout r-shop"),
        run.out());
    assertFalse(Files.exists(lockFile("u03")), "the lock is still there");
  }

  @Test
  void aHostWithNoLockIsSaidSoAndNothingIsRecorded() {
    CliRun run = CliRun.run(dir, "unlock", "u02", "-w", "beta", "-r", "just in case");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("u02 was not locked"), run.out());
    assertFalse(Files.exists(fleet.stateDir("u02").resolve("amble_state.fact")), "recorded");
  }

  @Test
  void anUnknownHostIsBadInput() {
    CliRun run = CliRun.run(dir, "unlock", "nosuch", "-w", "beta", "-r", "typo");
    assertEquals(2, run.code(), run.toString());
    assertTrue(
        run.err().contains("unknown host nosuch: not in the inventory of workspace beta"),
        run.err());
  }

  @Test
  void aReasonIsRequiredAndHelpSaysWhatItDoes() {
    CliRun missing = CliRun.run(dir, "unlock", "u03", "-w", "beta");
    assertEquals(2, missing.code(), missing.toString());
    assertTrue(missing.err().contains("--reason"), missing.err());

    CliRun help = CliRun.run(dir, "unlock", "--help");
    assertEquals(0, help.code(), help.toString());
    assertTrue(help.out().contains("whichever project's"), help.out());
    assertTrue(help.out().contains("--stomp-locks"), help.out());
  }

  static Path lockFile(String host) {
    return fleet.stateDir(host).resolve("amble_lock.fact");
  }
}

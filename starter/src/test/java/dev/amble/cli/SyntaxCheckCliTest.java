package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import dev.amble.rollout.SyntaxCheckResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * run and check refuse to start a rollout whose playbooks fail Ansible's syntax check (a role
 * Ansible cannot find): exit 2, Ansible's error, its file and line, before any server or worker.
 */
class SyntaxCheckCliTest {
  @TempDir Path dir;

  @BeforeEach
  void brokenContent() throws IOException {
    TemporalTroubleCliTest.amblefile(
        dir,
        """
        workspaces:
          fleet: { host_pattern: fleet, workflow: motd, inventory: inventory.yml }
        workflows:
          motd: { jobs: [ { job: motd } ] }
        jobs:
          motd: { become: false, playbooks: [ site.yml ] }
        """);
    Files.writeString(
        dir.resolve("site.yml"),
        """
        - hosts: all
          gather_facts: false
          roles:
            - motd
        """);
  }

  @Test
  void runAndCheckRefuseContentThatFailsAnsiblesSyntaxCheck() throws IOException {
    Map<String, String> nowhere = Map.of("TEMPORAL_ADDRESS", TemporalTroubleCliTest.closedPort());
    for (String[] command :
        new String[][] {{"run", "--embedded"}, {"check", "--embedded"}, {"run"}}) {
      CliRun r = CliRun.run(dir, nowhere, command);
      String what = String.join(" ", command) + ": " + r;
      assertEquals(ExitCode.BAD_INPUT, r.code(), what);
      assertTrue(
          r.err()
              .startsWith(
                  "amble: Ansible's syntax check of workspace fleet's playbooks failed; nothing"
                      + " was started:\n[ERROR]: the role 'motd' was not found in "),
          what);
      assertTrue(r.err().contains("\nOrigin: " + dir.resolve("site.yml") + ":4:7\n"), what);
      assertTrue(
          r.err().contains("^ column 7\n(log: " + dir.resolve(".amble/fleet/logs/all/")), what);
      assertFalse(r.err().contains("Temporal"), "no server was started or reached: " + what);
      assertFalse(
          Files.exists(dir.resolve(".amble/fleet/facts")),
          "the check kept no fact cache in the project: " + what);
    }
  }

  /** Roles installed only on the workers: the operator leaves the check to the worker. */
  @Test
  void noLocalSyntaxCheckLeavesTheCheckToTheWorker() throws IOException {
    CliRun r =
        CliRun.run(
            dir,
            Map.of("TEMPORAL_ADDRESS", TemporalTroubleCliTest.closedPort()),
            "run",
            "--no-local-syntax-check");
    assertEquals(ExitCode.NO_TEMPORAL, r.code(), "went on to Temporal: " + r);
    assertFalse(r.err().contains("syntax check"), r.toString());
    CliRun embedded = CliRun.run(dir, Map.of(), "run", "--embedded", "--no-local-syntax-check");
    assertEquals(ExitCode.BAD_INPUT, embedded.code(), embedded.toString());
    assertTrue(
        embedded.err().startsWith("amble: --no-local-syntax-check and --embedded:"),
        embedded.toString());
  }

  /**
   * Content the CLI's check passed, refused by the worker's (which a rollout started by a schedule
   * meets alone): the rollout ends failed before any host, and run and status say why.
   */
  @Test
  void aRolloutWhoseContentTheWorkerRefusesEndsFailedAndSaysWhy() throws Exception {
    Path good = Files.createDirectory(dir.resolve("good"));
    TemporalTroubleCliTest.amblefile(good, TemporalTroubleCliTest.AMBLEFILE);
    try (FakeFleetWorker fleet = new FakeFleetWorker(List.of("h01"), List.of(), 0)) {
      fleet.syntax =
          new SyntaxCheckResult(
              false,
              "[ERROR]: the role 'motd' was not found in /srv/ops/roles",
              "/srv/ops/site.yml:4:7",
              List.of("4     - motd", "        ^ column 7"),
              "/var/log/x.log");
      CliRun run = CliRun.run(good, fleet.temporal.env(), "run");
      assertEquals(ExitCode.ROLLOUT_FAILED, run.code(), run.toString());
      String why =
          "Ansible's syntax check of the rollout's playbooks failed, no host was touched:"
              + " [ERROR]: the role 'motd' was not found in /srv/ops/roles | Origin:"
              + " /srv/ops/site.yml:4:7 | 4 - motd | ^ column 7";
      assertTrue(run.err().contains("amble: the rollout ended failed: " + why), run.toString());
      CliRun status = CliRun.run(good, fleet.temporal.env(), "status");
      assertEquals(ExitCode.ROLLOUT_FAILED, status.code(), status.toString());
      assertTrue(
          status.out().contains(": failed\n  ended: failed: " + why + " (log: /var/log/x.log)\n"),
          status.toString());
      assertEquals(List.of(), fleet.prepared);
    }
  }

  /**
   * A role whose defaults are vault-encrypted, and no vault password here: the worker checks. With
   * the password (--embedded), this command checks, and finds the role missing after it.
   */
  @Test
  void contentThisCommandCannotDecryptIsLeftToTheWorker() throws Exception {
    Path vaulted = Files.createDirectory(dir.resolve("vaulted"));
    TemporalTroubleCliTest.amblefile(
        vaulted,
        """
        workspaces:
          fleet: { host_pattern: fleet, workflow: w, inventory: inventory.yml }
        workflows:
          w: { jobs: [ { job: secret } ] }
        jobs:
          secret:
            become: false
            tasks:
              - ansible.builtin.import_role: { name: sec }
              - ansible.builtin.import_role: { name: absent }
        """);
    Files.createDirectories(vaulted.resolve("roles/sec/tasks"));
    Files.createDirectories(vaulted.resolve("roles/sec/defaults"));
    Files.writeString(vaulted.resolve("roles/sec/tasks/main.yml"), "- ansible.builtin.ping:\n");
    Path defaults = vaulted.resolve("roles/sec/defaults/main.yml");
    Files.writeString(defaults, "password: hunter2\n");
    Path key = Files.writeString(dir.resolve("vault-key"), "s3cret\n");
    Process encrypt =
        new ProcessBuilder(
                dev.amble.ansible.AnsibleInstallation.find(System.getenv())
                    .program("ansible-vault")
                    .toString(),
                "encrypt",
                "--vault-password-file",
                key.toString(),
                defaults.toString())
            .redirectErrorStream(true)
            .start();
    assertEquals(0, encrypt.waitFor(), new String(encrypt.getInputStream().readAllBytes()));
    CliRun r =
        CliRun.run(vaulted, Map.of("TEMPORAL_ADDRESS", TemporalTroubleCliTest.closedPort()), "run");
    assertEquals(ExitCode.NO_TEMPORAL, r.code(), r.toString());
    assertTrue(
        r.err()
            .startsWith(
                "amble: the content has vault-encrypted files and no vault password here:"
                    + " Ansible's syntax check is left to the worker.\n"),
        r.toString());
    CliRun checked =
        CliRun.run(vaulted, Map.of(), "run", "--embedded", "--vault-password-file", key.toString());
    assertEquals(ExitCode.BAD_INPUT, checked.code(), checked.toString());
    assertTrue(checked.err().contains("the role 'absent' was not found"), checked.toString());
  }

  @Test
  void withoutAnsibleHereTheCheckIsLeftToTheWorker() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("no-ansible"));
    CliRun r =
        CliRun.run(
            dir,
            Map.of(
                "AMBLE_ANSIBLE_BIN",
                empty.toString(),
                "TEMPORAL_ADDRESS",
                TemporalTroubleCliTest.closedPort()),
            "run");
    assertEquals(ExitCode.NO_TEMPORAL, r.code(), r.toString());
    assertTrue(
        r.err()
            .startsWith(
                "amble: no Ansible on this machine: Ansible's syntax check is left to the"
                    + " worker.\n"),
        r.toString());
  }
}

package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.worker.HostActivitiesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code playbooks:} job's {@code become} reaches its playbooks' plays: a play that says nothing
 * escalates when the job says become (the default), not when it says {@code become: false}, and a
 * play that says {@code become: false} itself keeps it. Escalation is seen by a stand-in for sudo
 * (the host's become_exe) that writes a line per use, then runs the command.
 */
class PlaybooksJobBecomeTest {
  static final String AMBLEFILE =
      """
      workspaces:
        fleet:
          host_pattern: fleet
          workflow: all
          inventory: inventory.yml
      workflows:
        all:
          jobs:
            - job: escalates
            - job: stays
            - job: says-no
      jobs:
        escalates:
          playbooks: [plain.yml]
        stays:
          become: false
          playbooks: [plain.yml]
        says-no:
          playbooks: [says-no.yml]
      """;

  static final String PLAY =
      """
      - name: a play of the operator's
        hosts: all
        gather_facts: false
        %s
        tasks:
          - name: run something
            ansible.builtin.command: /bin/true
            changed_when: false
      """;

  @TempDir static Path dir;
  static Path uses;
  static HostActivitiesImpl host;
  static Definition d;

  @BeforeAll
  static void setUp() throws Exception {
    uses = dir.resolve("sudo-uses");
    Path fakeSudo = dir.resolve("fake-sudo");
    Files.writeString(
        fakeSudo,
        "#!"
            + LocalFleet.ansible().python()
            + "\n"
            + """
            # Stands in for sudo: notes its use, skips its options, runs the command.
            import os, sys
            with open(%s, "a") as f:
                f.write("used\\n")
            args, i = sys.argv[1:], 0
            while i < len(args) and args[i].startswith("-"):
                i += 2 if args[i] in ("-u", "-p", "-g") else 1
            os.execvp(args[i], args[i:])
            """
                .formatted("\"" + uses + "\""));
    Files.setPosixFilePermissions(fakeSudo, PosixFilePermissions.fromString("rwx------"));
    LocalFleet.create(
        dir,
        "become",
        1,
        (name, vars) -> {
          vars.put("amble_state_become", false);
          vars.put("ansible_become_method", "ansible.builtin.sudo");
          vars.put("ansible_become_exe", fakeSudo.toString());
          // Not the user the tests run as: Ansible skips becoming the user it already is.
          vars.put("ansible_become_user", "nobody");
        });
    Files.writeString(dir.resolve("plain.yml"), PLAY.formatted(""));
    Files.writeString(dir.resolve("says-no.yml"), PLAY.formatted("become: false"));
    d = Definitions.write(dir, "fleet", AMBLEFILE);
    host =
        new HostActivitiesImpl(
            new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv()),
            "test@controller",
            Clock.systemUTC());
  }

  /** How many times the job's run escalated. */
  static long run(int step) throws Exception {
    long before = Files.exists(uses) ? Files.readAllLines(uses).size() : 0;
    HostTarget t =
        new HostTarget(d.workspace().name(), d.folder(), d.workspace().inventory(), "become01");
    RunResult r = host.runJob(new JobRequest(t, d.steps().get(step), false, Optional.empty()));
    assertTrue(r.ok(), r.toString());
    return (Files.exists(uses) ? Files.readAllLines(uses).size() : 0) - before;
  }

  @Test
  void theJobsBecomeIsItsPlaysDefault() throws Exception {
    assertEquals(1, run(0), "a playbooks job with become (the default) did not escalate");
    assertEquals(0, run(1), "a playbooks job with become: false escalated");
    assertEquals(0, run(2), "a play that says become: false escalated");
  }
}

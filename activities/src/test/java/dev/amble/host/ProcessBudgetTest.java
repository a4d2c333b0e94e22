package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.AnsibleInstallation;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.Inventory;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.WorkspacePlanner;
import dev.amble.worker.HostActivitiesImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Counts the Ansible processes a walk of one host with 3 jobs starts, through stand-ins for the
 * Ansible programs that log every start and then run the real program. Budget: jobs + exit jobs + 1
 * (prepare; the claim rides on the first job, finish on the last), and jobs + exit jobs for a walk
 * with nothing to prepare.
 */
class ProcessBudgetTest {
  @TempDir Path dir;

  @Test
  void aThreeJobHostCostsAtMostFourAnsibleProcesses() throws Exception {
    AnsibleInstallation real = LocalFleet.ansible();
    Path shims = dir.resolve("shims");
    Path starts = dir.resolve("starts.log");
    Files.createDirectories(shims);
    for (String program : List.of("ansible", "ansible-playbook", "ansible-inventory")) {
      Path shim = shims.resolve(program);
      Files.writeString(
          shim,
          "#!/bin/sh\necho \""
              + program
              + "\" >> '"
              + starts
              + "'\nexec '"
              + real.program(program)
              + "' \"$@\"\n");
      Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.createSymbolicLink(shims.resolve("python3"), real.python());
    AnsibleInstallation counted = new AnsibleInstallation(shims, real.python(), real.support());

    LocalFleet fleet = LocalFleet.create(dir.resolve("fleet"), "one", 1, (h, v) -> {});
    Definition d =
        Definitions.write(
            dir.resolve("fleet"),
            "budget",
            """
            workspaces:
              budget: { host_pattern: fleet, workflow: three, inventory: inventory.yml }
            workflows:
              three: { jobs: [ { job: a }, { job: b }, { job: c } ] }
            jobs:
              a: { become: false, tasks: [ { ansible.builtin.ping: {} } ] }
              b: { become: false, tasks: [ { ansible.builtin.ping: {} } ] }
              c: { become: false, tasks: [ { ansible.builtin.ping: {} } ] }
            """);
    ProcessRunner runner = new ProcessRunner(counted, Optional.empty(), System.getenv());
    new WorkspacePlanner(new Inventory(runner)).hosts(d, Optional.empty());
    Files.deleteIfExists(starts); // resolving the hosts is once per rollout, not per host

    HostActivitiesImpl activities = new HostActivitiesImpl(runner, "test", Clock.systemUTC());
    WalkOneHost.walk(activities, d, fleet.hosts().get(0), "r1");

    List<String> started = Files.readAllLines(starts);
    assertTrue(started.size() <= 3 + 1, "Ansible processes for one 3-job host: " + started);
    assertEquals(
        List.of("ansible-playbook", "ansible-playbook", "ansible-playbook", "ansible-playbook"),
        started);

    // These jobs have no precondition: the rollout's walks do not prepare (jobs + exit jobs).
    assertTrue(Preparation.needless(d, false));
    Files.delete(starts);
    WalkOneHost.walk(activities, d, fleet.hosts().get(0), "r2", false);
    assertEquals(
        List.of("ansible-playbook", "ansible-playbook", "ansible-playbook"),
        Files.readAllLines(starts));
  }
}

package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole dry run, {@code amble check}, over real Ansible on local hosts: every job runs under
 * --check (a task that would write a file writes nothing), nothing is claimed or written on the
 * hosts (no state, no lock), and every host is recorded as checked.
 */
class CheckRunTest {
  @TempDir Path dir;

  @Test
  void aDryRunChangesNothingOnTheHosts() throws Exception {
    LocalFleet fleet =
        LocalFleet.create(dir, "h", 3, (host, vars) -> vars.put("amble_state_become", false));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          fleet:
            host_pattern: fleet
            workflow: patch
            inventory: inventory.yml
            sort_order: ascending
            concurrency: 2
        workflows:
          patch:
            jobs: [ { job: patch } ]
            exit_jobs: [ { job: note } ]
        jobs:
          patch:
            become: false
            tasks:
              - ansible.builtin.copy: { dest: "{{ amble_state_dir }}/patched", content: "patched" }
          note:
            become: false
            tasks:
              - ansible.builtin.copy: { dest: "{{ amble_state_dir }}/noted", content: "noted" }
        """);
    // A secret the folder says must not travel: left out of the content, and said so.
    Files.writeString(dir.resolve(".vault_pass"), "s3cret\n");
    Files.writeString(dir.resolve(".ambleignore"), ".vault_pass\n");
    CliRun check = CliRun.run(dir, "check", "--embedded", "--embedded-port", "0");
    assertEquals(0, check.code(), check.toString());
    assertTrue(
        check
            .err()
            .contains(
                "amble: content: left out 1 path that git ignores or .ambleignore names:"
                    + " .vault_pass.\n"),
        check.err());
    assertTrue(check.out().contains("3 checked"), check.out());
    for (String host : fleet.hosts()) {
      Path state = fleet.stateDir(host);
      try (var files = Files.list(state)) {
        List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
        assertFalse(
            names.contains("patched") || names.contains("noted"),
            host + ": a job changed the host: " + names);
        assertFalse(
            names.contains("amble_state.fact"), host + ": a dry run marked the host: " + names);
        assertFalse(
            names.contains("amble_lock.fact"), host + ": a dry run locked the host: " + names);
      }
    }
  }
}

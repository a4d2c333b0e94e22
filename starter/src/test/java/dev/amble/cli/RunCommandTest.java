package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble run --embedded} in one "terminal", {@code amble status / catch / release / run} in
 * another, over real Ansible on local hosts: a failure catches the rollout, a second run is
 * refused, release walks the failed host again, and the rollout ends with every host succeeded.
 */
class RunCommandTest {
  @TempDir Path dir;

  /** The hosts and their inventory, outside the Amblefile's folder: what changes in it is live. */
  @TempDir Path hosts;

  @Test
  void aCaughtRolloutIsReleasedFromAnotherTerminal() throws Exception {
    LocalFleet fleet =
        LocalFleet.create(
            hosts,
            "h",
            3,
            (host, vars) -> {
              vars.put("amble_state_become", false);
              vars.put("broken", host.equals("h02"));
            });
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          fleet: { host_pattern: fleet, workflow: patch, inventory: %s, sort_order: ascending }
        workflows:
          patch:
            jobs: [ { job: patch } ]
            exit_jobs: [ { job: cleanup } ]
        jobs:
          patch:
            become: false
            tasks:
              - name: patch the host
                ansible.builtin.fail:
                  msg: "the package mirror is down"
                when: broken | bool
          cleanup:
            become: false
            tasks: [ { ansible.builtin.ping: {} } ]
        """
            .formatted(fleet.inventory()));
    EmbeddedRun embedded = EmbeddedRun.start(dir, "run", "--heartbeat-timeout", "10");
    CompletableFuture<CliRun> run = embedded.run();

    String address = embedded.awaitAddress();
    Map<String, String> there = Map.of("TEMPORAL_ADDRESS", address);
    CliRun caught = awaitStatus(there, "CAUGHT");
    assertEquals(1, caught.code(), caught.toString());
    assertTrue(
        caught
            .out()
            .contains(
                "host h02 failed: job patch: task 'patch the host' (ansible.builtin.fail) failed: the package mirror is down"),
        caught.out());
    assertTrue(caught.out().contains("`amble release` walks h02 again first"), caught.out());
    assertTrue(
        caught.out().contains("\n  3 hosts: 1 succeeded, 1 failed; 0 in progress, 2 to go\n"),
        caught.out());
    assertTrue(
        caught.out().matches("(?s).*\\n  h02 +failed +\\[awaiting release\\] job patch: .*"),
        caught.out());
    assertTrue(!caught.out().contains("h03"), "h03 started after the catch: " + caught.out());

    CliRun second = CliRun.run(dir, there, "run");
    assertEquals(2, second.code(), second.toString());
    assertTrue(
        second
            .err()
            .startsWith(
                "amble: workspace fleet already has a rollout running: amble/default/fleet (run "),
        second.err());

    CliRun catchAgain = CliRun.run(dir, there, "catch", "-r", "checking the mirror");
    assertEquals(0, catchAgain.code(), catchAgain.toString());

    // The operator fixes the host (here: its inventory var, in an inventory the workers read where
    // it is, not part of the content), then releases: the host's prepare sees the var as it is now.
    Files.writeString(
        fleet.inventory(),
        Files.readString(fleet.inventory()).replace("\"broken\" : true", "\"broken\" : false"));
    CliRun released = CliRun.run(dir, there, "release");
    assertEquals(0, released.code(), released.toString());
    assertEquals("Released rollout of fleet. Walking again first: h02.\n", released.out());

    CliRun finished = run.get(3, TimeUnit.MINUTES);
    assertEquals(0, finished.code(), finished.toString());
    assertTrue(finished.out().contains("Done: 3 succeeded"), finished.out());
    assertTrue(finished.err().contains("nothing survives this command"), finished.err());

    CliRun notCaught = CliRun.run(dir, there, "release");
    assertEquals(3, notCaught.code(), "the embedded server is gone with its command: " + notCaught);
  }

  CliRun awaitStatus(Map<String, String> env, String marker) throws InterruptedException {
    CliRun last = null;
    for (int i = 0; i < 900; i++) {
      last = CliRun.run(dir, env, "status");
      if (last.out().contains(marker)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("status never showed " + marker + ": " + last);
  }
}

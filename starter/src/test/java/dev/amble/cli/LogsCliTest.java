package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble logs} from another terminal, through the worker that ran each step: a whole walk,
 * one step, a step followed while it runs; and a failed step's last lines in history, where a
 * {@code no_log} task's secret never shows.
 */
class LogsCliTest {
  @TempDir Path dir;
  @TempDir Path hosts;

  @Test
  void logsComeFromTheWorkerAndHistoryKeepsAFailedStepsLastLines() throws Exception {
    Path go = hosts.resolve("go");
    LocalFleet fleet =
        LocalFleet.create(
            hosts,
            "h",
            2,
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
        jobs:
          patch:
            become: false
            # Not `true`: the walk prepares, so the host's logs have two steps.
            preconditions: "has(vars.broken)"
            tasks:
              - name: say hello
                ansible.builtin.debug: { msg: "hello from {{ inventory_hostname }}" }
              - name: wait for the go
                ansible.builtin.wait_for: { path: "%s", timeout: 300 }
                when: inventory_hostname == 'h01'
              - name: say goodbye
                ansible.builtin.debug: { msg: "after the go on {{ inventory_hostname }}" }
              - name: keep a secret
                ansible.builtin.fail: { msg: "the secret is hunter2-{{ inventory_hostname }}" }
                no_log: true
                when: broken | bool
        """
            .formatted(fleet.inventory(), go));
    EmbeddedRun embedded = EmbeddedRun.start(dir, "run", "--heartbeat-timeout", "10");
    Map<String, String> there = Map.of("TEMPORAL_ADDRESS", embedded.awaitAddress());

    // h01 waits in its job: what it wrote so far, then the rest as it comes.
    CliRun sofar = awaitOut(there, "hello from h01", "logs", "h01", "--step", "patch");
    assertEquals(0, sofar.code(), sofar.toString());
    assertFalse(sofar.out().contains("==>"), "one step asked for, no headers: " + sofar);
    assertTrue(
        sofar.err().contains("job patch is still running: --follow follows it"), sofar.err());
    CompletableFuture<CliRun> follow =
        CompletableFuture.supplyAsync(() -> CliRun.run(dir, there, "logs", "h01", "--follow"));
    Thread.sleep(3000); // lets the follow reach the running step; it passes either way if slower
    assertFalse(follow.isDone(), "the walk still runs: " + (follow.isDone() ? follow.join() : ""));
    Files.writeString(go, "go\n");
    CliRun followed = follow.get(3, TimeUnit.MINUTES);
    assertEquals(0, followed.code(), followed.toString());
    assertTrue(followed.out().contains("==> prepare (ok) on embedded@"), followed.out());
    assertTrue(followed.out().contains("==> job patch (running) on embedded@"), followed.out());
    assertTrue(followed.out().contains("after the go on h01"), followed.out());
    // The job is the walk's last run: it finishes the host, in the same log.
    assertTrue(
        followed.out().indexOf("PLAY [amble: finish]") > followed.out().indexOf("after the go"),
        followed.out());
    assertFalse(followed.out().contains("==> finish"), followed.out());
    assertTrue(
        followed.out().indexOf("hello from h01") < followed.out().indexOf("after the go on h01"),
        followed.out());

    // h02 fails on a no_log task: the rollout is caught, and history says why without the secret.
    // The failed step shows before the walk ends (it still finishes the host): wait for the end.
    CliRun status =
        await(
            there,
            r -> r.code() == 1 && r.out().contains("last lines of job patch"),
            "status",
            "--host",
            "h02");
    assertEquals(1, status.code(), status.toString());
    assertTrue(status.out().contains("amble logs h02 -w fleet --step 'job patch'"), status.out());
    assertTrue(status.out().contains("fatal: [h02]: FAILED!"), status.out());
    assertTrue(status.out().contains("failed: its output is hidden (no_log)"), status.out());
    assertTrue(status.out().contains("no_log: true"), status.out());
    assertFalse(status.out().contains("hunter2"), status.out());

    CliRun all = CliRun.run(dir, there, "logs", "h02");
    assertEquals(0, all.code(), all.toString());
    assertTrue(all.out().startsWith("==> prepare (ok) on embedded@"), all.out());
    assertTrue(all.out().contains("==> job patch (task 'keep a secret'"), all.out());
    assertTrue(all.out().contains("hello from h02"), all.out());
    assertTrue(all.out().contains("PLAY RECAP"), all.out());

    CliRun unknown = CliRun.run(dir, there, "logs", "h02", "--step", "nope");
    assertEquals(2, unknown.code(), unknown.toString());
    assertEquals(
        "amble: host h02 has no step \"nope\" in its walk; its steps: prepare, job patch\n",
        unknown.err());
    CliRun none = CliRun.run(dir, there, "logs", "h09");
    assertEquals(2, none.code(), none.toString());

    CliRun cancelled = CliRun.run(dir, there, "cancel", "--force");
    assertEquals(0, cancelled.code(), cancelled.toString());
    embedded.run().get(3, TimeUnit.MINUTES);
  }

  private CliRun awaitOut(Map<String, String> env, String marker, String... args)
      throws InterruptedException {
    return await(env, r -> r.out().contains(marker), args);
  }

  private CliRun await(Map<String, String> env, Predicate<CliRun> done, String... args)
      throws InterruptedException {
    CliRun last = null;
    for (int i = 0; i < 900; i++) {
      last = CliRun.run(dir, env, args);
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(String.join(" ", args) + " never came to the expected: " + last);
  }
}

package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.ProcessRunner;
import dev.amble.ansible.Processes;
import dev.amble.worker.HostActivitiesImpl;
import io.temporal.client.ActivityCanceledException;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancelling a runJob activity whose task runs {@code sleep 600} ends its process tree fast. */
class CancelJobTest {
  @TempDir Path dir;

  @Test
  void cancellingTheActivityEndsAnsibleWithinFiveSeconds() throws Exception {
    LocalFleet fleet = LocalFleet.create(dir, "slow", 1, (h, v) -> {});
    // This test's own sleep: counting every `sleep 600` would count other tests' and programs'.
    String sleep = "sleep " + Processes.uniqueSleepSeconds();
    Definition d =
        Definitions.write(
            dir,
            "slow",
            """
            workspaces:
              slow: { host_pattern: fleet, workflow: wait, inventory: inventory.yml }
            workflows:
              wait: { jobs: [ { job: sleep } ] }
            jobs:
              sleep:
                become: false
                tasks:
                  - name: sleep for ten minutes
                    ansible.builtin.command: %s
            """
                .formatted(sleep));
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try {
      env.registerActivitiesImplementations(
          new HostActivitiesImpl(
              new ProcessRunner(LocalFleet.ansible(), Optional.empty(), System.getenv()),
              "test",
              Clock.systemUTC()));
      HostActivities activities = env.newActivityStub(HostActivities.class);
      HostTarget target =
          new HostTarget("slow", d.folder(), d.workspace().inventory(), fleet.hosts().get(0));
      CompletableFuture<Object> run =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return activities.runJob(
                      new JobRequest(target, d.steps().get(0), false, Optional.empty()));
                } catch (RuntimeException e) {
                  return e;
                }
              });
      long deadline = System.currentTimeMillis() + 60_000;
      while (Processes.count(sleep) == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(1, Processes.count(sleep), "the task never started");
      long cancelled = System.currentTimeMillis();
      env.requestCancelActivity();
      long gone = Processes.awaitGone(sleep, 5000);
      assertTrue(gone >= 0, sleep + " still runs 5 s after the cancellation");
      Object outcome = run.get(10, TimeUnit.SECONDS);
      assertTrue(
          outcome instanceof ActivityCanceledException || outcome instanceof RuntimeException,
          String.valueOf(outcome));
      assertTrue(System.currentTimeMillis() - cancelled < 5000 + 2000);
    } finally {
      env.close();
    }
  }
}

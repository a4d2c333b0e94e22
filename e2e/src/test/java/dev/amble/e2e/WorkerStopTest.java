package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (systemd's stop) to a worker in the middle of two jobs, on a real Temporal server, a
 * second worker running: the job that ends within --stop-timeout ends there, once; the one that
 * does not is handed back as a worker fault and run again by the second worker. Both hosts succeed
 * and the rollout with them: a graceful stop fails no host. One rollout holds both cases (two
 * hosts, concurrency 2): each job's first attempt waits for a file the test writes, so the stop
 * meets both jobs in flight, whatever the machine's load.
 */
class WorkerStopTest {
  @TempDir Path dir;

  /** The workers' own folders. */
  @TempDir Path workers;

  /** The jobs' marks, outside the Amblefile's folder (which travels as content). */
  @TempDir Path marks;

  @Test
  void aStopLetsTheJobWithinItsTimeoutEndAndHandsTheOtherBack() throws Exception {
    TemporalServerProcess.ensureRunning();
    // stop01's job ends once the test lets it (after the SIGTERM, within the stop timeout);
    // stop02's first attempt waits for a mark that never comes, so the stop must hand it back.
    LocalFleet.create(dir, "stop", 2, (h, v) -> v.put("amble_state_become", false));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          worker-stop: { host_pattern: fleet, workflow: patch, inventory: inventory.yml, concurrency: 2 }
        workflows:
          patch:
            jobs: [ { job: patch } ]
        jobs:
          patch:
            become: false
            tasks:
              - ansible.builtin.shell: |
                  ran=%1$s/ran-{{ inventory_hostname }}.txt
                  echo '{{ amble_controller }}' >> "$ran"
                  if [ "$(wc -l < "$ran")" -eq 1 ]; then
                    for i in $(seq 1 240); do
                      [ -e %1$s/go-{{ inventory_hostname }} ] && exit 0
                      sleep 0.5
                    done
                  fi
        """
            .formatted(marks));
    Map<String, String> env = new HashMap<>(TemporalServerProcess.env("e2e-" + UUID.randomUUID()));
    env.put("XDG_CACHE_HOME", workers.resolve("cache").toString());
    Process first =
        AmbleProcess.start(
            dir, env, workers.resolve("worker-1.log"), "worker", "--stop-timeout", "10");
    Process second = null;
    try {
      AmbleProcess.Result started =
          AmbleProcess.run(dir, env, 120, "run", "--detach", "--heartbeat-timeout", "10");
      assertEquals(0, started.code(), started.toString());
      AmbleProcess.awaitText("stop01's job started", marks.resolve("ran-stop01.txt"), "");
      AmbleProcess.awaitText("stop02's job started", marks.resolve("ran-stop02.txt"), "");
      second = AmbleProcess.start(dir, env, workers.resolve("worker-2.log"), "worker");
      AmbleProcess.awaitText(
          "the second worker polls", workers.resolve("worker-2.log"), "polling task queue");
      first.destroy(); // SIGTERM
      AmbleProcess.awaitText(
          "the first worker stops", workers.resolve("worker-1.log"), "amble worker: stopping");
      Files.writeString(marks.resolve("go-stop01"), "");
      assertTrue(
          first.waitFor(90, java.util.concurrent.TimeUnit.SECONDS),
          "the first worker did not stop");
      JsonNode done =
          new Rollout(dir, env)
              .await("ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(3));
      assertEquals(2, Rollout.count(done, "succeeded"), done.toString());
      assertEquals(0, Rollout.count(done, "failed"), done.toString());
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        second.waitFor();
      }
    }
    List<String> within = Files.readAllLines(marks.resolve("ran-stop01.txt"));
    List<String> past = Files.readAllLines(marks.resolve("ran-stop02.txt"));
    assertEquals(1, within.size(), "the job within the timeout ran once: " + within + log());
    assertEquals(2, past.size(), "the job past the timeout ran again: " + past + log());
    assertEquals(within.get(0), past.get(0), "both began on the first worker");
    assertNotEquals(past.get(0), past.get(1), "the second run was on the second worker");
    assertTrue(
        Files.readString(workers.resolve("worker-1.log")).contains("each is retried"),
        "the first worker handed the long one back" + log());
    assertTrue(
        Files.readString(workers.resolve("worker-1.log")).contains("amble worker: stopped"),
        "the first worker stopped by itself" + log());
  }

  private String log() throws java.io.IOException {
    return "\n--- worker-1.log\n" + Files.readString(workers.resolve("worker-1.log"));
  }
}

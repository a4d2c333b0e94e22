package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.ansible.LocalFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM (systemd's stop) to a worker in the middle of a job, on a real Temporal server, a second
 * worker running: a job that ends within --stop-timeout ends there, once; a longer one is handed
 * back as a worker fault and run again by the second worker. In both the host succeeds and the
 * rollout with it: a graceful stop fails no host.
 */
class WorkerStopTest {
  @TempDir Path dir;

  /** The workers' own folders. */
  @TempDir Path workers;

  @Test
  void aJobThatEndsWithinTheStopTimeoutEndsOnTheStoppingWorkerOnce() throws Exception {
    List<String> ran = rollOutAndStopTheFirstWorker("stop-within", 60, 20);
    assertEquals(1, ran.size(), "the job ran once: " + ran + "\n" + firstWorkersLog());
    assertTrue(
        Files.readString(workers.resolve("worker-1.log")).contains("amble worker: stopped"),
        "the first worker stopped by itself");
    assertFalse(
        Files.readString(workers.resolve("worker-1.log")).contains("stopping them"),
        "and stopped nothing");
  }

  @Test
  void aJobLongerThanTheStopTimeoutIsRetriedOnTheSecondWorker() throws Exception {
    List<String> ran = rollOutAndStopTheFirstWorker("stop-past", 2, 40);
    assertEquals(2, ran.size(), "the job ran again after the stop: " + ran + firstWorkersLog());
    assertNotEquals(ran.get(0), ran.get(1), "on the second worker");
    assertTrue(
        Files.readString(workers.resolve("worker-1.log")).contains("each is retried"),
        "the first worker handed it back");
  }

  /**
   * One host whose job records which worker runs it and then sleeps {@code firstSeconds} (its
   * retry, 1 s); SIGTERM to the worker running it once a second worker polls. Returns the workers
   * that ran the job, in order.
   */
  private List<String> rollOutAndStopTheFirstWorker(
      String workspace, int stopTimeout, int firstSeconds) throws Exception {
    TemporalServerProcess.ensureRunning();
    LocalFleet.create(dir, workspace, 1, (h, v) -> v.put("amble_state_become", false));
    Path ran = dir.resolve("ran.txt");
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          %s: { host_pattern: fleet, workflow: patch, inventory: inventory.yml }
        workflows:
          patch:
            jobs: [ { job: patch } ]
        jobs:
          patch:
            become: false
            tasks:
              - ansible.builtin.shell: |
                  echo '{{ amble_controller }}' >> %s
                  if [ "$(wc -l < %s)" -eq 1 ]; then sleep %d; else sleep 1; fi
        """
            .formatted(workspace, ran, ran, firstSeconds));
    Map<String, String> env = new HashMap<>(TemporalServerProcess.env("e2e-" + UUID.randomUUID()));
    env.put("XDG_CACHE_HOME", workers.resolve("cache").toString());
    Process first =
        AmbleProcess.start(
            dir,
            env,
            workers.resolve("worker-1.log"),
            "worker",
            "--stop-timeout",
            Integer.toString(stopTimeout));
    Process second = null;
    try {
      AmbleProcess.Result started =
          AmbleProcess.run(dir, env, 120, "run", "--detach", "--heartbeat-timeout", "10");
      assertEquals(0, started.code(), started.toString());
      awaitLine("the job started", ran, "");
      second = AmbleProcess.start(dir, env, workers.resolve("worker-2.log"), "worker");
      awaitLine("the second worker polls", workers.resolve("worker-2.log"), "polling task queue");
      first.destroy(); // SIGTERM
      assertTrue(
          first.waitFor(stopTimeout + 60, java.util.concurrent.TimeUnit.SECONDS),
          "the first worker did not stop");
      Rollout rollout = new Rollout(dir, env);
      JsonNode done =
          rollout.await(
              "ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(3));
      assertEquals(1, Rollout.count(done, "succeeded"), done.toString());
      assertEquals(0, Rollout.count(done, "failed"), done.toString());
      return Files.readAllLines(ran);
    } finally {
      first.destroyForcibly();
      if (second != null) {
        second.destroy();
        second.waitFor();
      }
    }
  }

  private String firstWorkersLog() throws java.io.IOException {
    return "\n--- worker-1.log\n" + Files.readString(workers.resolve("worker-1.log"));
  }

  private static void awaitLine(String what, Path file, String text) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      if (Files.exists(file) && Files.readString(file).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(what + ": not within 3 minutes (" + file + ")");
  }
}

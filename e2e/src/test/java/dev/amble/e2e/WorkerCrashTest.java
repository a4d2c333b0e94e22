package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.amble.ansible.LocalFleet;
import dev.amble.ansible.WorkspaceDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout of 6 local hosts on a real Temporal server (its own process): the worker is killed with
 * SIGKILL after host 3 finished, a new worker finishes the rollout, and the hosts finished before
 * the crash were run exactly once each.
 */
class WorkerCrashTest {
  @TempDir Path dir;

  /** The workers' own folders: nothing of them is in the Amblefile's folder. */
  @TempDir Path workers;

  /** The runs of a walk: no prepare (the Amblefile has no precondition), then each job. */
  static final Map<String, Integer> STEPS =
      Map.of("prepare", 0, "01-drain", 1, "02-patch", 1, "03-restart", 1);

  @Test
  void aNewWorkerFinishesTheRolloutAndFinishedHostsRanOnce() throws Exception {
    TemporalServerProcess.ensureRunning();
    LocalFleet fleet =
        LocalFleet.create(dir, "crash", 6, (h, v) -> v.put("amble_state_become", false));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          crash-local: { host_pattern: fleet, workflow: patch, inventory: inventory.yml, sort_order: ascending }
        workflows:
          patch:
            jobs: [ { job: drain }, { job: patch }, { job: restart } ]
        jobs:
          drain: { become: false, tasks: [ { ansible.builtin.command: sleep 1 } ] }
          patch: { become: false, tasks: [ { ansible.builtin.command: sleep 2 } ] }
          restart: { become: false, tasks: [ { ansible.builtin.command: sleep 1 } ] }
        """);
    Map<String, String> env =
        new java.util.HashMap<>(TemporalServerProcess.env("e2e-" + UUID.randomUUID()));
    // The workers' copies of the rollout's content, where they also keep its logs.
    env.put("XDG_CACHE_HOME", workers.resolve("cache").toString());
    Process first = AmbleProcess.start(dir, env, workers.resolve("worker-1.log"), "worker");
    AmbleProcess.Result started =
        AmbleProcess.run(dir, env, 120, "run", "--detach", "--heartbeat-timeout", "10");
    assertEquals(0, started.code(), started.toString());

    Rollout rollout = new Rollout(dir, env);
    rollout.await(
        "finished 3 hosts", s -> Rollout.count(s, "succeeded") >= 3, Duration.ofMinutes(4));
    first.destroyForcibly(); // SIGKILL
    first.waitFor();
    // The hosts themselves say which finished before the crash: their remote state.
    List<String> finishedBefore = new java.util.ArrayList<>();
    for (String host : fleet.hosts()) {
      Path state = fleet.stateDir(host).resolve("amble_state.fact");
      if (Files.exists(state) && Files.readString(state).contains("\"succeeded\"")) {
        finishedBefore.add(host);
      }
    }
    assertTrue(finishedBefore.size() >= 3 && finishedBefore.size() < 6, finishedBefore.toString());
    JsonNode withoutWorker = rollout.status();
    assertTrue(
        Rollout.count(withoutWorker, "succeeded") >= 3, "the memo's summary: " + withoutWorker);

    Process second = AmbleProcess.start(dir, env, workers.resolve("worker-2.log"), "worker");
    try {
      JsonNode done =
          rollout.await(
              "ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(5));
      assertEquals(6, Rollout.count(done, "succeeded"), done.toString());
    } finally {
      second.destroy();
      second.waitFor();
    }
    try (Stream<Path> copies = Files.list(workers.resolve("cache/amble/content"))) {
      assertEquals(
          1,
          copies.filter(p -> !p.getFileName().toString().startsWith(".")).count(),
          "both workers ran the one content the rollout started with");
    }
    // Both workers keep the workspace's logs in their own folder (here the same one).
    WorkspaceDir workspace = WorkspaceDir.at(workers.resolve("cache/amble/workspaces/crash-local"));
    for (String host : finishedBefore) {
      for (Map.Entry<String, Integer> step : STEPS.entrySet()) {
        try (Stream<Path> logs = Files.list(workspace.hostLogs(host))) {
          long runs =
              logs.filter(p -> p.getFileName().toString().endsWith("-" + step.getKey() + ".log"))
                  .count();
          assertEquals(
              (long) step.getValue(), runs, host + " ran " + step.getKey() + " " + runs + " times");
        }
      }
    }
    for (String host : fleet.hosts()) {
      assertTrue(
          Files.readString(fleet.stateDir(host).resolve("amble_state.fact"))
              .contains("\"succeeded\""),
          host);
    }
  }
}

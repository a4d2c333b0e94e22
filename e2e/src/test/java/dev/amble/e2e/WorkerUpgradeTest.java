package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Amblefile;
import dev.amble.ansible.LocalFleet;
import dev.amble.rollout.RolloutRequest;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An upgrade of amble under a running rollout, on a real Temporal server with Worker Versioning: a
 * rollout starts on workers of build N; workers of build N+1 come up and their build is made
 * current with {@code amble versions --make-current}; the rollout continues as new onto N+1 at its
 * next host's end and finishes there; the N worker stops once its walks have ended. Build N+1's
 * host walks begin with one more timer than N's (AMBLE_TEST_CHANGED_WALK), so a walk of N that
 * moved to N+1 mid-walk would fail replay there and never end. No host is walked twice.
 *
 * <p>With {@code -Damble.record.histories=workflows/src/test/resources/histories}, it also records
 * the rollout's runs and build N's walks for the replay test (HistoryRecorder).
 */
class WorkerUpgradeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** The workers' own folders. */
  @TempDir Path workers;

  /** The jobs' marks, outside the Amblefile's folder (which travels as content). */
  @TempDir Path marks;

  @Test
  void theRolloutMovesToTheNewBuildAtContinueAsNewAndNoWalkMoves() throws Exception {
    TemporalServerProcess.ensureRunning();
    LocalFleet.create(dir, "up", 3, (h, v) -> v.put("amble_state_become", false));
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          worker-upgrade: { host_pattern: fleet, workflow: patch, inventory: inventory.yml, concurrency: 2, sort_order: ascending }
        workflows:
          patch:
            jobs: [ { job: patch } ]
        jobs:
          patch:
            become: false
            tasks:
              - ansible.builtin.shell: |
                  echo '{{ amble_controller }}' >> %1$s/ran-{{ inventory_hostname }}.txt
                  for i in $(seq 1 480); do
                    [ -e %1$s/go-{{ inventory_hostname }} ] && exit 0
                    sleep 0.25
                  done
                  exit 1
        """
            .formatted(marks));
    Map<String, String> env = new HashMap<>(TemporalServerProcess.env("e2e-" + UUID.randomUUID()));
    env.put("XDG_CACHE_HOME", workers.resolve("cache").toString());
    Map<String, String> oldBuild = new HashMap<>(env);
    oldBuild.put("AMBLE_BUILD_ID", "e2e-n");
    Map<String, String> newBuild = new HashMap<>(env);
    newBuild.put("AMBLE_BUILD_ID", "e2e-n1");
    newBuild.put("AMBLE_TEST_CHANGED_WALK", "1");
    Path oldLog = workers.resolve("worker-n.log");
    Path newLog = workers.resolve("worker-n1.log");
    Process old = AmbleProcess.start(dir, oldBuild, oldLog, "worker");
    Process next = null;
    try {
      AmbleProcess.Result started = AmbleProcess.run(dir, env, 120, "run", "--detach");
      assertEquals(0, started.code(), started.toString());
      AmbleProcess.awaitText("up01's job started", marks.resolve("ran-up01.txt"), "");
      AmbleProcess.awaitText("up02's job started", marks.resolve("ran-up02.txt"), "");
      assertEquals("e2e-n", versions(env).path("current").asText(), "the first build is current");

      next = AmbleProcess.start(dir, newBuild, newLog, "worker");
      AmbleProcess.awaitText("the new worker polls", newLog, "build e2e-n1 of deployment");
      awaitBuildListed(env, "e2e-n1");
      AmbleProcess.Result made =
          AmbleProcess.run(
              dir, env, 60, "versions", "--make-current", "e2e-n1", "--output", "json");
      assertEquals(0, made.code(), made.toString());
      assertEquals("e2e-n1", JSON.readTree(made.out()).path("current").asText(), made.out());
      assertEquals(1, JSON.readTree(made.out()).path("rolloutsWoken").asInt(), made.out());

      // The walks in flight end on build N; their ends move the rollout to N+1, which walks up03.
      Files.writeString(marks.resolve("go-up01"), "");
      Files.writeString(marks.resolve("go-up02"), "");
      new Rollout(dir, env)
          .await(
              "walked up01 and up02",
              s -> Rollout.count(s, "succeeded") == 2,
              Duration.ofMinutes(3));
      AmbleProcess.awaitText("up03's job started", marks.resolve("ran-up03.txt"), "");
      old.destroy(); // SIGTERM: the N worker's walks have ended
      assertTrue(old.waitFor(90, TimeUnit.SECONDS), "the build N worker did not stop");
      Files.writeString(marks.resolve("go-up03"), "");
      JsonNode done =
          new Rollout(dir, env)
              .await("ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(3));
      assertEquals(3, Rollout.count(done, "succeeded"), done.toString());
      assertEquals(0, Rollout.count(done, "failed"), done.toString());
      assertTrue(done.path("runs").asInt() >= 1, "the rollout continued as new: " + done);

      List<String> up01 = Files.readAllLines(marks.resolve("ran-up01.txt"));
      List<String> up02 = Files.readAllLines(marks.resolve("ran-up02.txt"));
      List<String> up03 = Files.readAllLines(marks.resolve("ran-up03.txt"));
      assertEquals(1, up01.size(), "up01 walked once: " + up01 + logs(oldLog, newLog));
      assertEquals(1, up02.size(), "up02 walked once: " + up02 + logs(oldLog, newLog));
      assertEquals(1, up03.size(), "up03 walked once: " + up03 + logs(oldLog, newLog));
      assertEquals(up01.get(0), up02.get(0), "up01 and up02 ran on the build N worker");
      assertNotEquals(up01.get(0), up03.get(0), "up03 ran on the build N+1 worker");

      String rollout = RolloutRequest.workflowId(Amblefile.DEFAULT_PROJECT, "worker-upgrade");
      WorkflowServiceStubs stubs = TemporalServerProcess.stubs();
      try {
        assertEquals("e2e-n", build(stubs, RolloutRequest.hostWorkflowId(rollout, "up01")));
        assertEquals("e2e-n", build(stubs, RolloutRequest.hostWorkflowId(rollout, "up02")));
        assertEquals("e2e-n1", build(stubs, RolloutRequest.hostWorkflowId(rollout, "up03")));
        assertEquals("e2e-n1", build(stubs, rollout), "the rollout's last run is on N+1");
      } finally {
        stubs.shutdownNow();
      }
      assertTrue(
          Files.readString(newLog).contains("build e2e-n1 of deployment"),
          "the worker's start line names its build" + logs(oldLog, newLog));
      String recordTo = System.getProperty("amble.record.histories", "");
      if (!recordTo.isEmpty()) {
        // up03's walk is build N+1's changed walk: it would not replay against the real one.
        HistoryRecorder.saveRuns(
            AmbleProcess.ROOT.resolve(recordTo),
            rollout,
            done.path("rollout").asText(),
            "v2-upgrade",
            "up01",
            "up02");
      }
    } catch (AssertionError | RuntimeException e) {
      keepForTheReport();
      throw e;
    } finally {
      old.destroyForcibly();
      if (next != null) {
        next.destroy();
        next.waitFor();
      }
    }
  }

  /** The workers' logs (and their folders), kept under e2e/target for the failure's report. */
  private void keepForTheReport() throws java.io.IOException {
    Path kept = AmbleProcess.ROOT.resolve("e2e/target/worker-upgrade-failure");
    try (var files = Files.walk(workers)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Path to = kept.resolve(workers.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else if (f.toString().endsWith(".log")) {
          Files.createDirectories(to.getParent());
          Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /** The build the latest run of {@code workflowId} runs (or ran) on. */
  private static String build(WorkflowServiceStubs stubs, String workflowId) {
    WorkflowExecutionInfo info =
        stubs
            .blockingStub()
            .describeWorkflowExecution(
                DescribeWorkflowExecutionRequest.newBuilder()
                    .setNamespace("default")
                    .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                    .build())
            .getWorkflowExecutionInfo();
    return info.getVersioningInfo().getDeploymentVersion().getBuildId();
  }

  private JsonNode versions(Map<String, String> env) throws Exception {
    AmbleProcess.Result r = AmbleProcess.run(dir, env, 60, "versions", "--output", "json");
    assertEquals(0, r.code(), r.toString());
    return JSON.readTree(r.out());
  }

  /** The server lists a build once it has seen one of its workers poll. */
  private void awaitBuildListed(Map<String, String> env, String build) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    JsonNode last = null;
    while (Instant.now().isBefore(deadline)) {
      last = versions(env);
      for (JsonNode v : last.path("versions")) {
        if (v.path("build").asText().equals(build)) {
          return;
        }
      }
      Thread.sleep(300); // polling the server with a deadline
    }
    throw new AssertionError("build " + build + " never listed: " + last);
  }

  private static String logs(Path... logs) throws java.io.IOException {
    StringBuilder s = new StringBuilder();
    for (Path log : logs) {
      s.append("\n--- ").append(log.getFileName()).append('\n').append(Files.readString(log));
    }
    return s.toString();
  }
}

package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.amble.ansible.LocalFleet;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records the histories the replay test feeds to WorkflowReplayer, from a real run: a rollout of
 * three local hosts on the real server where one host fails, the rollout catches, the host is fixed
 * and released, and one host is skipped by its preconditions. Run on purpose only:
 *
 * <pre>
 * ./mvnw test -pl e2e -am -Dtest=HistoryRecorder -Damble.record.histories=workflows/src/test/resources/histories -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "amble.record.histories", matches = ".+")
class HistoryRecorder {
  @TempDir Path dir;

  @Test
  void record() throws Exception {
    Path target = AmbleProcess.ROOT.resolve(System.getProperty("amble.record.histories"));
    Files.createDirectories(target);
    TemporalServerProcess.ensureRunning();
    LocalFleet fleet =
        LocalFleet.create(
            dir,
            "rec",
            3,
            (h, v) -> {
              v.put("amble_state_become", false);
              v.put("broken", h.equals("rec02"));
              if (h.equals("rec03")) {
                v.put("do_not_patch", true);
              }
            });
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          recorded: { host_pattern: fleet, workflow: patch, inventory: inventory.yml, sort_order: ascending }
        workflows:
          patch:
            jobs: [ { job: drain }, { job: patch } ]
            exit_jobs: [ { job: cleanup } ]
        jobs:
          drain: { become: false, tasks: [ { ansible.builtin.ping: {} } ] }
          patch:
            become: false
            preconditions: '!("do_not_patch" in vars)'
            tasks:
              - name: patch
                ansible.builtin.fail: { msg: broken }
                when: broken | bool
          cleanup: { become: false, tasks: [ { ansible.builtin.ping: {} } ] }
        """);
    Map<String, String> env = TemporalServerProcess.env("record-" + UUID.randomUUID());
    Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
    try {
      assertEquals(0, AmbleProcess.run(dir, env, 120, "run", "--detach").code());
      Rollout rollout = new Rollout(dir, env);
      rollout.await(
          "caught",
          s -> s.path("caught").path("caught").asBoolean() && s.path("inProgress").isEmpty(),
          Duration.ofMinutes(3));
      Files.writeString(
          fleet.inventory(),
          Files.readString(fleet.inventory()).replace("\"broken\" : true", "\"broken\" : false"));
      assertEquals(
          0,
          AmbleProcess.run(dir, env, 60, "catch", "-r", "recording a catch while caught").code());
      assertEquals(0, AmbleProcess.run(dir, env, 60, "release").code());
      rollout.await("ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(3));
    } finally {
      worker.destroy();
      worker.waitFor();
    }
    save(target, "amble/default/recorded", "rollout-catch-release.json", "host");
  }

  /**
   * A rollout in waves with a failure budget and health checks: a canary, then waves of two; one
   * host fails under the budget; a host post-check fails for another and catches the rollout;
   * released.
   */
  @Test
  void recordWavesAndGates() throws Exception {
    Path target = AmbleProcess.ROOT.resolve(System.getProperty("amble.record.histories"));
    TemporalServerProcess.ensureRunning();
    LocalFleet.create(
        dir,
        "wav",
        5,
        (h, v) -> {
          v.put("amble_state_become", false);
          v.put("broken", h.equals("wav02"));
        });
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          waves:
            host_pattern: fleet
            workflow: patch
            inventory: inventory.yml
            sort_order: ascending
            waves: [1, 2]
            max_failures: 1
            post_checks:
              host:
                - name: serving
                  hosts: wav01
                  tasks:
                    - ansible.builtin.assert: { that: amble_host != "wav03" }
              wave:
                - { name: wave-ok, hosts: wav01, tasks: [ { ansible.builtin.ping: {} } ], on_failure: continue }
        workflows:
          patch:
            jobs: [ { job: patch } ]
        jobs:
          patch:
            become: false
            tasks:
              - name: patch
                ansible.builtin.fail: { msg: broken }
                when: broken | bool
        """);
    Map<String, String> env = TemporalServerProcess.env("record-" + UUID.randomUUID());
    Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
    try {
      assertEquals(0, AmbleProcess.run(dir, env, 120, "run", "--detach").code());
      Rollout rollout = new Rollout(dir, env);
      rollout.await(
          "caught", s -> s.path("phase").asText().equals("caught"), Duration.ofMinutes(3));
      assertEquals(0, AmbleProcess.run(dir, env, 60, "release").code());
      rollout.await("ended", s -> s.path("phase").asText().equals("done"), Duration.ofMinutes(3));
    } finally {
      worker.destroy();
      worker.waitFor();
    }
    save(target, "amble/default/waves", "rollout-waves-gates.json", "waves-host");
  }

  /**
   * Every run of a rollout from {@code firstRunId} on, following its continue-as-new chain, as
   * {@code PREFIX-rollout-runN.json}, and the walks of {@code hosts} as {@code
   * PREFIX-host-HOST.json}.
   */
  static void saveRuns(
      Path target, String rolloutId, String firstRunId, String prefix, String... hosts)
      throws Exception {
    Files.createDirectories(target);
    WorkflowServiceStubs stubs = TemporalServerProcess.stubs();
    try {
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      String run = firstRunId;
      for (int n = 1; !run.isEmpty(); n++) {
        WorkflowExecutionHistory h = client.fetchHistory(rolloutId, run);
        Files.writeString(
            target.resolve(String.format("%s-rollout-run%d.json", prefix, n)), h.toJson(true));
        HistoryEvent last = h.getLastEvent();
        run =
            last.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
                ? last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId()
                : "";
      }
      for (String host : hosts) {
        WorkflowExecutionHistory h =
            client.fetchHistory(dev.amble.rollout.RolloutRequest.hostWorkflowId(rolloutId, host));
        Files.writeString(
            target.resolve(String.format("%s-host-%s.json", prefix, host)), h.toJson(true));
      }
    } finally {
      stubs.shutdownNow();
    }
  }

  /** The rollout's history and every host workflow run it started. */
  static void save(Path target, String rolloutId, String rolloutFile, String hostPrefix)
      throws Exception {
    Files.createDirectories(target);
    WorkflowServiceStubs stubs = TemporalServerProcess.stubs();
    WorkflowClient client = WorkflowClient.newInstance(stubs);
    WorkflowExecutionHistory rolloutHistory = client.fetchHistory(rolloutId);
    Files.writeString(target.resolve(rolloutFile), rolloutHistory.toJson(true));
    int n = 0;
    for (HistoryEvent e : rolloutHistory.getEvents()) {
      if (e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) {
        var execution = e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution();
        WorkflowExecutionHistory child =
            client.fetchHistory(execution.getWorkflowId(), execution.getRunId());
        String host =
            execution.getWorkflowId().substring(execution.getWorkflowId().lastIndexOf('/') + 1);
        Files.writeString(
            target.resolve(String.format("%s-%d-%s.json", hostPrefix, ++n, host)),
            child.toJson(true));
      }
    }
    if (n == 0) {
      // Walks its worker started (no child workflows): the hosts whose ends the rollout heard.
      for (HistoryEvent e : rolloutHistory.getEvents()) {
        if (e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED
            && e.getWorkflowExecutionSignaledEventAttributes()
                .getSignalName()
                .equals(dev.amble.host.WalkEnd.SIGNAL)) {
          String host =
              new com.fasterxml.jackson.databind.ObjectMapper()
                  .readTree(
                      e.getWorkflowExecutionSignaledEventAttributes()
                          .getInput()
                          .getPayloads(0)
                          .getData()
                          .toStringUtf8())
                  .path("outcome")
                  .path("host")
                  .asText();
          WorkflowExecutionHistory walk = client.fetchHistory(rolloutId + "/" + host);
          Files.writeString(
              target.resolve(String.format("%s-%d-%s.json", hostPrefix, ++n, host)),
              walk.toJson(true));
        }
      }
    }
    stubs.shutdownNow();
  }
}

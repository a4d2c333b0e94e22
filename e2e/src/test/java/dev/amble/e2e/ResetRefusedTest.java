package dev.amble.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.ansible.LocalFleet;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.api.workflowservice.v1.ResetWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
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
 * Temporal's reset of a finished rollout, as anyone who reaches the frontend can ask for it (the
 * Web UI's button is off; the API is not): the reset run would go on from the reset point and walk
 * the hosts again. On the real server, the reset run stops at its first new command and walks
 * nothing.
 */
class ResetRefusedTest {
  @TempDir Path dir;

  /** The worker's cache, outside the Amblefile's folder (which travels as content). */
  @TempDir Path cache;

  @Test
  void aResetOfAFinishedRolloutWalksNoHostAgain() throws Exception {
    TemporalServerProcess.ensureRunning();
    LocalFleet.create(dir, "rst", 1, (h, v) -> v.put("amble_state_become", false));
    Path walks = cache.resolve("walks");
    Files.writeString(
        dir.resolve("Amblefile.yml"),
        """
        workspaces:
          reset-me:
            host_pattern: fleet
            workflow: touch
            inventory: inventory.yml
        workflows:
          touch:
            jobs: [ { job: touch } ]
        jobs:
          touch:
            become: false
            tasks:
              - ansible.builtin.shell: echo walked >> %s
        """
            .formatted(walks));
    Map<String, String> env =
        new HashMap<>(TemporalServerProcess.env("reset-" + UUID.randomUUID()));
    env.put("XDG_CACHE_HOME", cache.toString());
    Process worker = AmbleProcess.start(dir, env, dir.resolve("worker.log"), "worker");
    WorkflowServiceStubs stubs =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder()
                .setTarget(TemporalServerProcess.ADDRESS)
                .build());
    String id = "amble/default/reset-me";
    try {
      AmbleProcess.Result run = AmbleProcess.run(dir, env, 180, "run");
      assertEquals(0, run.code(), run.toString());
      assertEquals(List.of("walked"), Files.readAllLines(walks));

      List<HistoryEvent> before = history(stubs, WorkflowExecution.newBuilder().setWorkflowId(id));
      long firstTask =
          before.stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
              .findFirst()
              .orElseThrow()
              .getEventId();
      String resetRun =
          stubs
              .blockingStub()
              .resetWorkflowExecution(
                  ResetWorkflowExecutionRequest.newBuilder()
                      .setNamespace("default")
                      .setWorkflowExecution(WorkflowExecution.newBuilder().setWorkflowId(id))
                      .setReason("an attacker's reset")
                      .setWorkflowTaskFinishEventId(firstTask)
                      .setRequestId(UUID.randomUUID().toString())
                      .build())
              .getRunId();
      WorkflowExecution reset =
          WorkflowExecution.newBuilder().setWorkflowId(id).setRunId(resetRun).build();

      // The reset's own failed task, then amble's refusal of the run's first new command.
      List<HistoryEvent> after = List.of();
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      while (failedTasks(after) < 2 && Instant.now().isBefore(deadline)) {
        Thread.sleep(500); // polling the history with a deadline
        after = history(stubs, reset.toBuilder());
      }
      assertTrue(failedTasks(after) >= 2, "amble's refusal of the reset run: " + after);
      long resetPoint =
          after.stream()
              .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
              .findFirst()
              .orElseThrow()
              .getEventId();
      List<EventType> newWork =
          after.stream()
              .filter(e -> e.getEventId() > resetPoint)
              .map(HistoryEvent::getEventType)
              .filter(
                  t ->
                      t == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
                          || t == EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED
                          || t == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW)
              .toList();
      assertEquals(List.of(), newWork, "the reset run asked for new work");
      assertEquals(List.of("walked"), Files.readAllLines(walks), "the host was walked again");
      stubs
          .blockingStub()
          .terminateWorkflowExecution(
              TerminateWorkflowExecutionRequest.newBuilder()
                  .setNamespace("default")
                  .setWorkflowExecution(reset)
                  .setReason("test over")
                  .build());
    } finally {
      stubs.shutdownNow();
      worker.destroy();
      worker.waitFor();
    }
  }

  private static long failedTasks(List<HistoryEvent> events) {
    return events.stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        .count();
  }

  private static List<HistoryEvent> history(
      WorkflowServiceStubs stubs, WorkflowExecution.Builder execution) {
    return stubs
        .blockingStub()
        .getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder()
                .setNamespace("default")
                .setExecution(execution)
                .build())
        .getHistory()
        .getEventsList();
  }
}

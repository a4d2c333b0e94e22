package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.host.HostInput;
import dev.amble.host.HostOutcome;
import dev.amble.host.HostProgress;
import dev.amble.host.HostWorkflow;
import dev.amble.host.HostWorkflowImpl;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.NonDeterministicException;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import io.temporal.workflow.Workflow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recorded histories replayed against today's workflow code: a change that breaks determinism, and
 * so every rollout in flight, fails here. Some come from real runs (a real Temporal server, real
 * Ansible: the e2e module's HistoryRecorder), the {@code v1-} and {@code v2-} ones from the test
 * server with mocked activities (RecordHistories), one set per engine: {@code v1} is the first
 * engine (LegacyRollout), {@code v2} the paged one.
 */
class ReplayTest {
  static final Path HISTORIES = Path.of("src/test/resources/histories");

  private static TestWorkflowEnvironment env;
  private static Worker worker;

  /**
   * One replaying worker for every history. Its deadlock detection allows 10 s instead of 1 s: the
   * first replay loads the workflow classes, which on a loaded 2-core machine took longer than 1 s
   * and failed as a "potential deadlock" that no rollout would ever meet.
   */
  @BeforeAll
  static void replayer() {
    env = TestWorkflowEnvironment.newInstance();
    worker =
        env.newWorker(
            "replay",
            WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(10_000).build());
    worker.registerWorkflowImplementationTypes(
        RolloutWorkflowImpl.class,
        HostWorkflowImpl.class,
        dev.amble.content.ContentWorkflowImpl.class,
        dev.amble.logs.LogWorkflowImpl.class,
        dev.amble.notify.NotifierWorkflowImpl.class,
        dev.amble.schedule.LauncherWorkflowImpl.class);
  }

  @AfterAll
  static void close() {
    env.close();
  }

  static List<Path> histories() throws IOException {
    try (Stream<Path> files = Files.list(HISTORIES)) {
      List<Path> all = files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      assertTrue(all.size() >= 10, "recorded histories: " + all);
      return all;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("histories")
  void replaysWithoutNondeterminism(Path file) throws Exception {
    WorkflowExecutionHistory history = WorkflowExecutionHistory.fromJson(Files.readString(file));
    WorkflowReplayer.replayWorkflowExecution(history, worker);
  }

  /**
   * The replay above can fail: a recorded host walk replayed against a changed host workflow (a
   * timer before its first activity, as a careless edit might add) is a non-determinism error.
   */
  @Test
  void aChangedWorkflowFailsToReplay() throws Exception {
    WorkflowExecutionHistory history =
        WorkflowExecutionHistory.fromJson(
            Files.readString(HISTORIES.resolve("v2-dry-run-host-h01.json")));
    WorkflowReplayer.replayWorkflowExecution(history, worker);
    // Its own worker, with the same deadlock allowance: under load, the replayer's default 1 s
    // failed here as a "potential deadlock" before the change could be seen.
    Worker changed =
        env.newWorker(
            "replay-changed",
            WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(10_000).build());
    changed.registerWorkflowImplementationTypes(HostWorkflowWithATimerFirst.class);
    Exception e =
        assertThrows(
            Exception.class, () -> WorkflowReplayer.replayWorkflowExecution(history, changed));
    // The replayer reports it as a failed replay query naming the exception, not as its cause.
    StringBuilder chain = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      chain.append(t).append('\n');
    }
    assertTrue(
        chain.indexOf(NonDeterministicException.class.getName() + ": [TMPRL1100]") >= 0
            && chain.indexOf("does not match command type COMMAND_TYPE_START_TIMER") >= 0,
        "not the non-determinism error of the added timer: " + chain);
  }

  /** Today's host workflow, changed: it waits a second before doing what it did. */
  public static class HostWorkflowWithATimerFirst implements HostWorkflow {
    private final HostWorkflowImpl today = new HostWorkflowImpl();

    @Override
    public HostOutcome walk(HostInput input) {
      Workflow.sleep(Duration.ofSeconds(1));
      return today.walk(input);
    }

    @Override
    public HostProgress progress() {
      return today.progress();
    }
  }
}

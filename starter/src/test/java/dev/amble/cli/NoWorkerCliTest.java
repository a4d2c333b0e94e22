package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.rollout.Caught;
import dev.amble.rollout.Progress;
import dev.amble.rollout.RolloutSummary;
import io.grpc.Status;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.taskqueue.v1.PollerInfo;
import io.temporal.api.workflowservice.v1.DescribeTaskQueueResponse;
import io.temporal.api.workflowservice.v1.WorkflowServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * status, catch and release of a rollout no worker runs: they answer at once (a query or an update
 * would wait for a worker), status from what the rollout last recorded, catch and release by
 * sending their signal, which the rollout applies when a worker comes.
 */
class NoWorkerCliTest {
  @TempDir Path dir;

  static final Duration AT_ONCE = Duration.ofSeconds(20);

  @BeforeEach
  void amblefile() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
  }

  static CliRun quickly(Path dir, Map<String, String> env, String... args) {
    return assertTimeoutPreemptively(
        AT_ONCE, () -> CliRun.run(dir, env, args), () -> String.join(" ", args) + " waited");
  }

  @Test
  void aRolloutNoWorkerHasStartedIsToldAndSteeredAtOnce() {
    try (TestTemporal temporal = TestTemporal.start()) {
      CliRun run = quickly(dir, temporal.env(), "run", "--detach");
      assertEquals(0, run.code(), run.toString());
      String noWorker =
          "amble: no worker polls task queue amble at "
              + temporal.address
              + ": start `amble worker`";

      CliRun status = quickly(dir, temporal.env(), "status");
      assertEquals(0, status.code(), status.toString());
      assertTrue(
          status.err().startsWith(noWorker + ". This is what the rollout last recorded"),
          status.err());
      assertTrue(
          status
              .out()
              .matches(
                  "Rollout of workspace fleet \\(amble/default/fleet, run \\S+\\), started \\S+: nothing recorded yet; it begins when a worker runs.\n"),
          status.out());

      CliRun caught = quickly(dir, temporal.env(), "catch", "-r", "the mirror is down");
      assertEquals(0, caught.code(), caught.toString());
      assertEquals(
          "Catch of the rollout of fleet sent: it takes effect when a worker runs. No new host starts until then either.\n",
          caught.out());
      assertEquals(noWorker + ".\n", caught.err());

      CliRun released = quickly(dir, temporal.env(), "release", "--skip-failed");
      assertEquals(0, released.code(), released.toString());
      assertEquals(
          "Release of the rollout of fleet sent: it takes effect when a worker runs.\n",
          released.out());

      CliRun both = quickly(dir, temporal.env(), "release", "--skip-failed", "--except", "h1");
      assertEquals(2, both.code(), both.toString());
      assertTrue(both.err().startsWith("amble: --except goes without --skip-failed"), both.err());

      CliRun skipped = quickly(dir, temporal.env(), "skip", "web03", "-r", "decommissioned");
      assertEquals(0, skipped.code(), skipped.toString());
      assertEquals(
          "Skip of the rollout of fleet sent: it takes effect when a worker runs. Until then, the"
              + " rollout may reach the host.\n",
          skipped.out());
      CliRun retried = quickly(dir, temporal.env(), "retry", "web01");
      assertEquals(0, retried.code(), retried.toString());

      try (Client c = new Client(temporal)) {
        assertEquals(
            List.of("catch", "release", "skip", "retry"), c.signals("amble/default/fleet"));
      }
    }
  }

  @Test
  void statusShowsWhatTheRolloutRecordedAndReleaseRefusesWhatItWouldRefuse() {
    try (TestTemporal temporal = TestTemporal.start();
        Client c = new Client(temporal)) {
      c.start("amble/default/fleet", summary(Caught.NO, List.of()));

      CliRun status = quickly(dir, temporal.env(), "status");
      assertEquals(0, status.code(), status.toString());
      assertTrue(
          status
              .out()
              .startsWith(
                  "Rollout of workspace fleet (workflow patch), started by ops@host: walking\n"),
          status.out());

      CliRun released = quickly(dir, temporal.env(), "release");
      assertEquals(2, released.code(), released.toString());
      assertEquals("amble: refused: the rollout is not caught (phase walking)\n", released.err());
      assertEquals(List.of(), c.signals("amble/default/fleet"));
    }
  }

  @Test
  void aQueryNoWorkerAnswersIsHandledLikeNoWorker() {
    try (TestTemporal temporal =
            TestTemporal.start(
                TestTemporal.answer(
                    WorkflowServiceGrpc.getDescribeTaskQueueMethod(),
                    r ->
                        DescribeTaskQueueResponse.newBuilder()
                            .addPollers(PollerInfo.newBuilder().setIdentity("gone"))
                            .build()),
                TestTemporal.answer(
                    WorkflowServiceGrpc.getQueryWorkflowMethod(),
                    r -> {
                      throw Status.FAILED_PRECONDITION
                          .withDescription("the workflow task failed")
                          .asRuntimeException();
                    }));
        Client c = new Client(temporal)) {
      c.start(
          "amble/default/fleet",
          summary(
              new Caught(true, "host h02 failed", "amble", "2026-01-01T00:00:00Z", 1),
              List.of("h02")));

      CliRun released = quickly(dir, temporal.env(), "release");
      assertEquals(0, released.code(), released.toString());
      assertEquals(
          "Release of the rollout of fleet sent: it takes effect when a worker runs. Walking again first: h02.\n",
          released.out());
      assertTrue(released.err().startsWith("amble: no worker answered ("), released.err());
      assertTrue(released.err().contains("the workflow task failed"), released.err());
      assertEquals(List.of("release"), c.signals("amble/default/fleet"));

      CliRun status = quickly(dir, temporal.env(), "status");
      assertEquals(1, status.code(), status.toString());
      assertTrue(
          status.out().contains("CAUGHT since 2026-01-01T00:00:00Z by amble: host h02 failed"),
          status.out());
    }
  }

  static RolloutSummary summary(Caught caught, List<String> awaiting) {
    return new RolloutSummary(
        "fleet",
        "patch",
        "ops@host",
        false,
        caught.caught() ? "caught" : "walking",
        3,
        Map.of("succeeded", 1),
        2,
        List.of(),
        awaiting,
        caught,
        Progress.NONE,
        "",
        0L,
        "",
        "",
        0,
        0);
  }

  /** A client of the test server: starts a rollout no worker runs, reads the signals it got. */
  static final class Client implements AutoCloseable {
    final WorkflowServiceStubs stubs;
    final WorkflowClient client;

    Client(TestTemporal temporal) {
      stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address).build());
      client =
          WorkflowClient.newInstance(
              stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build());
    }

    void start(String workflowId, RolloutSummary memo) {
      client
          .newUntypedWorkflowStub(
              "RolloutWorkflow",
              WorkflowOptions.newBuilder()
                  .setWorkflowId(workflowId)
                  .setTaskQueue("amble")
                  .setMemo(Map.of(RolloutSummary.MEMO_KEY, memo))
                  .build())
          .start();
    }

    List<String> signals(String workflowId) {
      return client.fetchHistory(workflowId).getEvents().stream()
          .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
          .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName())
          .toList();
    }

    @Override
    public void close() {
      stubs.shutdownNow();
    }
  }
}

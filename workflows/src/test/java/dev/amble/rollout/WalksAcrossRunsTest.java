package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Amblefile;
import dev.amble.host.HostOutcome;
import dev.amble.host.Outcome;
import dev.amble.host.WalkEnd;
import dev.amble.machine.TransitionVisits;
import io.temporal.activity.Activity;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A long host walk crosses continue-as-new: with concurrency 3, one long host and many short ones,
 * and a run that continues as new every few hosts, the short hosts keep starting while the long one
 * runs (the engine before {@link HostWalks#CROSS_RUNS} drained its walks at each continue-as-new,
 * so no host started until the long one ended). The long walk's end reaches the run the rollout is
 * in by then, and Temporal's cancellation of that run still ends it.
 */
@ExtendWith(TransitionVisits.class)
class WalksAcrossRunsTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  static final List<String> HOSTS = StrategyWorkflowTest.hosts(12);
  static final String ID = RolloutRequest.workflowId(Amblefile.DEFAULT_PROJECT, "fleet");

  /** The short hosts' jobs that ran: all of them run while h01's job waits for {@link #release}. */
  final CountDownLatch shortDone = new CountDownLatch(HOSTS.size() - 1);

  final CountDownLatch longStarted = new CountDownLatch(1);
  final CountDownLatch release = new CountDownLatch(1);
  MockFleet fleet;
  RolloutWorkflow wf;

  /** Starts the rollout of {@link #HOSTS}: h01's job waits for {@link #release}. */
  void start(Worker worker, WorkflowClient client, TestWorkflowEnvironment env) {
    fleet = new MockFleet(HOSTS);
    holdTheLongHost(fleet, longStarted, shortDone, release);
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    wf =
        client.newWorkflowStub(
            RolloutWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(ID)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowClient.start(wf::run, RolloutInput.start(request()));
  }

  /** Concurrency 3, a 2 s heartbeat timeout, and a new run every 40 events of history. */
  static RolloutRequest request() {
    return new RolloutRequest(
        StrategyWorkflowTest.definition(3, ""),
        Optional.empty(),
        1,
        3,
        false,
        false,
        "tester@test",
        Duration.ofSeconds(2),
        40,
        false,
        false);
  }

  /**
   * h01's job counts {@code started} down and waits for {@code release}, heartbeating (so that a
   * cancellation reaches it); the other hosts' jobs count {@code shortDone} down and return.
   */
  static void holdTheLongHost(
      MockFleet fleet, CountDownLatch started, CountDownLatch shortDone, CountDownLatch release) {
    fleet.job(
        r -> {
          if (!r.target().host().equals("h01")) {
            shortDone.countDown();
            return MockFleet.OK;
          }
          started.countDown();
          try {
            while (!release.await(200, TimeUnit.MILLISECONDS)) {
              Activity.getExecutionContext().heartbeat(null);
            }
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return MockFleet.OK;
        });
  }

  /** Every short host walked while h01's job still waits, across at least one new run. */
  void awaitShortHostsWhileTheLongOneRuns() throws InterruptedException {
    assertTrue(longStarted.await(60, TimeUnit.SECONDS), "h01's job never started");
    assertTrue(
        shortDone.await(60, TimeUnit.SECONDS),
        "the short hosts stopped starting while h01 ran: "
            + (HOSTS.size() - 1 - shortDone.getCount())
            + " of "
            + (HOSTS.size() - 1)
            + " ran; jobs "
            + fleet.jobs);
    RolloutStatus now = awaitOnlyTheLongWalk(wf);
    assertTrue(now.runs() >= 1, "never continued as new: " + now);
  }

  /** The short hosts' walks end just after their job: the rollout's status once they have. */
  static RolloutStatus awaitOnlyTheLongWalk(RolloutWorkflow wf) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      RolloutStatus s = wf.status();
      if (s.inProgress().equals(List.of("h01")) && s.count(Outcome.SUCCEEDED) == HOSTS.size() - 1) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the short walks never ended: " + wf.status());
  }

  @Test
  void shortHostsKeepStartingWhileALongWalkCrossesContinueAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    start(worker, client, env);
    awaitShortHostsWhileTheLongOneRuns();

    // A report of h01's end for another rollout, and one of a host not in flight: both dropped.
    String rollout = wf.status().rollout();
    WorkflowStub stub = WorkflowStub.fromTyped(wf);
    stub.signal(
        WalkEnd.SIGNAL,
        new WalkEnd(WalkEnd.VERSION, "an-earlier-rollout", failed("h01", "forged")));
    stub.signal(WalkEnd.SIGNAL, new WalkEnd(WalkEnd.VERSION, rollout, failed("h05", "late")));
    assertEquals(List.of("h01"), wf.status().inProgress());

    release.countDown();
    RolloutStatus done = stub.getResult(30, TimeUnit.SECONDS, RolloutStatus.class);
    assertEquals("done", done.phase(), done.toString());
    assertEquals(HOSTS.size(), done.count(Outcome.SUCCEEDED), done.toString());
    assertEquals(0, done.count(Outcome.FAILED), done.toString());
    assertEquals(HOSTS, fleet.finished.stream().sorted().toList(), "each host finished once");
    assertEquals(HOSTS.size(), fleet.finished.size(), "a host was walked twice: " + fleet.finished);
  }

  @Test
  void temporalsCancellationAfterAContinueAsNewEndsTheLongWalk(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    start(worker, client, env);
    awaitShortHostsWhileTheLongOneRuns();

    wf.cancelSignal(new CancelRequest("roll back", "tester@test", true, wf.status().rollout()));
    WorkflowStub.fromTyped(wf).cancel();
    StageCancellationTest.assertCancelled(wf);

    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_CANCELED,
        status(client, RolloutRequest.hostWorkflowId(ID, "h01")),
        "h01's walk, started by an earlier run, was cancelled");
    RolloutSummary memo = MockFleet.memo(client, ID);
    assertEquals("cancelled", memo.phase(), memo.toString());
    assertEquals(1, memo.counts().get(Outcome.CANCELLED.word()), memo.toString());
    assertEquals(HOSTS.size() - 1, memo.counts().get(Outcome.SUCCEEDED.word()), memo.toString());
    assertTrue(!fleet.finished.contains("h01"), "a cancelled walk is not finished");
  }

  /**
   * A rollout terminated after a continue-as-new (what {@code amble cancel --force} does first)
   * ends none of its walks: the long one runs on until it is cancelled by its ID (what the CLI does
   * next), and its report to the ended rollout is dropped without failing the walk.
   */
  @Test
  void aTerminatedRolloutLeavesItsWalksToBeCancelledByTheirId(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    start(worker, client, env);
    awaitShortHostsWhileTheLongOneRuns();

    WorkflowStub.fromTyped(wf).terminate("cancel --force by tester@test: stuck");
    String h01 = RolloutRequest.hostWorkflowId(ID, "h01");
    assertEquals(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING, status(client, h01));

    client.newUntypedWorkflowStub(h01).cancel("cancel --force by tester@test: stuck");
    WorkflowFailedException closed =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                client
                    .newUntypedWorkflowStub(h01)
                    .getResult(30, TimeUnit.SECONDS, HostOutcome.class));
    assertInstanceOf(CanceledFailure.class, closed.getCause());
    assertTrue(!fleet.finished.contains("h01"), "a cancelled walk is not finished");
  }

  static HostOutcome failed(String host, String why) {
    return new HostOutcome(host, Outcome.FAILED, why, "");
  }

  static WorkflowExecutionStatus status(WorkflowClient client, String workflowId) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getWorkflowExecutionInfo()
        .getStatus();
  }
}

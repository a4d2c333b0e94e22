package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import dev.amble.amblefile.Amblefile;
import dev.amble.amblefile.Definition;
import dev.amble.amblefile.SortOrder;
import dev.amble.failure.Failures;
import dev.amble.host.Outcome;
import dev.amble.host.Preparation;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.machine.TransitionVisits;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The rollout and host workflows together, with every activity mocked. */
@ExtendWith(TransitionVisits.class)
class RolloutWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  static final RunResult OK = MockFleet.OK;

  static List<Verdict> holds(int n) {
    return MockFleet.holds(n);
  }

  static List<String> hosts(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("web%02d", i)).toList();
  }

  static RolloutWorkflow rollout(WorkflowClient client, Worker worker, String workspace) {
    return client.newWorkflowStub(
        RolloutWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(RolloutRequest.workflowId(Amblefile.DEFAULT_PROJECT, workspace))
            .setTaskQueue(worker.getTaskQueue())
            .build());
  }

  /** Starts the upgrade rollout of workspace fleet over a mocked fleet, without waiting. */
  static RolloutWorkflow startUpgrade(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, MockFleet fleet) {
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutWorkflow wf = rollout(client, worker, "fleet");
    WorkflowClient.start(
        wf::run,
        RolloutInput.start(TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1)));
    return wf;
  }

  /**
   * Releases the rollout. With time skipping, the test server moves time on whenever the test
   * thread is not inside a client call: a caught rollout's timer fires and it continues as new, and
   * a release that arrives meanwhile is lost (NOT_FOUND "update ... not found"), ran or not. The
   * release is sent again at once then (a pause would let time skip again); a second release that
   * finds the rollout no longer caught, or ended, means the first one ran. Any other refusal is the
   * test's to see. It names the catch the rollout shows, as amble release does, read once: a
   * continue-as-new keeps the rollout's ID and its catch's number.
   */
  static RolloutStatus release(RolloutWorkflow wf, boolean skipFailed, String by) {
    ReleaseRequest request = ReleaseRequest.of(wf.status(), skipFailed, by);
    for (int attempt = 1; ; attempt++) {
      try {
        return wf.releaseRollout(request);
      } catch (io.temporal.client.WorkflowException e) {
        String why = Failures.oneLine(e);
        boolean lost = lostUpdate(e);
        boolean ranBefore =
            attempt > 1
                && (why.contains("the rollout is not caught")
                    || why.equals("NOT_FOUND: Completed workflow"));
        if (ranBefore) {
          return wf.status();
        }
        if (!lost || attempt == 20) {
          throw e;
        }
      }
    }
  }

  /**
   * Whether the test server lost the update: it says so in the gRPC status, which the client wraps
   * as a WorkflowNotFoundException (or another WorkflowException) around it.
   */
  private static boolean lostUpdate(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (String.valueOf(t.getMessage()).matches("NOT_FOUND: update .* not found")) {
        return true;
      }
    }
    return false;
  }

  static RolloutStatus awaitPhase(RolloutWorkflow wf, String phase) throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      RolloutStatus s = wf.status();
      if (s.phase().equals(phase)) {
        return s;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never reached phase " + phase + ": " + wf.status());
  }

  /**
   * Plan and run are one computation: the rollout walks the plan's walk order as the plan kept it
   * (the order of the walked hosts among every host, as amble plan prints it), and never sorts it
   * again, whatever the sort order and seed. (The first engine shuffled only the walked hosts, so
   * with a skipped host its order differed from the plan's.)
   */
  @ParameterizedTest
  @EnumSource(SortOrder.class)
  void hostsAreWalkedInThePlansOrder(
      SortOrder order, TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    List<String> planned = List.of("web03", "web10", "web01", "db02", "web07", "app05");
    MockFleet fleet =
        new MockFleet(
            planned,
            List.of(new RolloutPlan.Skipped("job upgrade: planned skip", List.of("web09"))));
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    Definition d = TestDefinitions.upgrade(order.word(), 1);
    RolloutStatus done =
        rollout(client, worker, "fleet").run(RolloutInput.start(TestDefinitions.request(d, 42)));
    assertEquals("done", done.phase());
    assertEquals(planned, fleet.prepared);
    assertEquals(42, done.seed());
    assertEquals(7, done.total());
    assertEquals(1, done.count(Outcome.SKIPPED));
  }

  @Test
  void aWalkRunsEveryJobThenTheExitJobsThenFinish(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet fleet = new MockFleet(hosts(2));
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutStatus done =
        rollout(client, worker, "fleet")
            .run(
                RolloutInput.start(
                    TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1)));
    assertEquals(List.of("drain+claim", "upgrade", "reboot", "uncordon"), fleet.jobsOf("web01"));
    assertEquals(List.of("web01", "web02"), fleet.finished);
    assertEquals(
        List.of("web01:uncordon", "web02:uncordon"),
        fleet.finishedBy,
        "the last run finishes the host: no process of its own");
    verify(fleet.host, never()).finishHost(any());
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(0, done.remaining());
  }

  @Test
  void theLastJobFinishesTheHostWhenNoExitJobRuns(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet fleet = new MockFleet(hosts(1));
    fleet.prepare(
        h ->
            new Preparation(
                MockFleet.OK,
                List.of(Verdict.HOLDS, Verdict.HOLDS, Verdict.HOLDS, Verdict.fails("cordoned")),
                RemoteState.NONE));
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutStatus done =
        rollout(client, worker, "fleet")
            .run(
                RolloutInput.start(
                    TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1)));
    assertEquals(1, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of("drain+claim", "upgrade", "reboot"), fleet.jobsOf("web01"));
    assertEquals(List.of("web01:reboot"), fleet.finishedBy);
    verify(fleet.host, never()).finishHost(any());
  }

  @Test
  void aFalsePreconditionSkipsTheHostAndTouchesNothing(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet fleet =
        new MockFleet(
            hosts(3),
            List.of(new RolloutPlan.Skipped("job upgrade: planned skip", List.of("web09"))));
    fleet.prepare(
        h ->
            h.equals("web02")
                ? new Preparation(
                    OK,
                    List.of(
                        Verdict.HOLDS,
                        Verdict.fails("int(...) < 12 is false"),
                        Verdict.HOLDS,
                        Verdict.HOLDS),
                    RemoteState.NONE)
                : new Preparation(OK, holds(4), RemoteState.NONE));
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutStatus done =
        rollout(client, worker, "fleet")
            .run(
                RolloutInput.start(
                    TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1)));
    assertEquals(List.of(), fleet.jobsOf("web02"));
    assertFalse(fleet.finished.contains("web02"));
    assertEquals(
        new HostResult(Outcome.SKIPPED, "job upgrade: int(...) < 12 is false"),
        MockFleet.walkOf(client, "web02"));
    assertFalse(done.results().containsKey("web02"), "skipped hosts are counted, not listed");
    assertFalse(fleet.prepared.contains("web09"), "a host the plan skipped was contacted");
    assertEquals(4, done.total());
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(2, done.count(Outcome.SKIPPED));
  }

  @Test
  void aStartedUnfinishedHostIsWalkedWhateverItsPreconditions(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet fleet = new MockFleet(hosts(1));
    RemoteState unfinished =
        new RemoteState(
            Optional.of(
                new RemoteState.WorkspaceRecord(
                    "upgrade", "old", "2026-11-20T10:00:00Z", Optional.empty())),
            Optional.empty());
    fleet.prepare(
        h ->
            new Preparation(
                OK,
                List.of(
                    Verdict.HOLDS, Verdict.fails("already on 12"), Verdict.HOLDS, Verdict.HOLDS),
                unfinished));
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutStatus done =
        rollout(client, worker, "fleet")
            .run(
                RolloutInput.start(
                    TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1)));
    assertEquals(List.of("drain+claim", "upgrade", "reboot", "uncordon"), fleet.jobsOf("web01"));
    assertEquals(Outcome.SUCCEEDED, MockFleet.walkOf(client, "web01").outcome());
    assertTrue(MockFleet.walkOf(client, "web01").reason().contains("walked again"));
  }

  @Test
  void aFailureCatchesTheRolloutAndReleaseRetriesTheSameHost(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(4));
    AtomicInteger upgradesOfWeb02 = new AtomicInteger();
    fleet.job(
        r ->
            r.target().host().equals("web02")
                    && r.step().job().name().equals("upgrade")
                    && upgradesOfWeb02.incrementAndGet() == 1
                ? new RunResult(
                    RunStatus.FAILED,
                    "apt upgrade",
                    "ansible.builtin.apt",
                    "E: dpkg was interrupted",
                    0,
                    "/logs/web02.log")
                : OK);
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);

    RolloutStatus caught = awaitPhase(wf, "caught");
    assertTrue(caught.caught().caught());
    assertEquals(
        "host web02 failed: job upgrade: task 'apt upgrade' (ansible.builtin.apt) failed: E: dpkg was interrupted",
        caught.caught().reason());
    assertEquals(List.of("web02"), caught.awaiting());
    assertEquals(List.of("web01", "web02"), fleet.prepared, "a host started after the catch");
    assertEquals(SteeringKind.AUTO_CATCH, caught.steering().get(0).kind());
    // The exit job ran after the failure; finish did not.
    assertEquals(List.of("drain+claim", "upgrade", "uncordon"), fleet.jobsOf("web02"));
    assertFalse(fleet.finished.contains("web02"));

    RolloutStatus released = release(wf, false, "alice@ops");
    assertFalse(released.caught().caught());
    RolloutStatus done = WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
    assertEquals(List.of("web01", "web02", "web02", "web03", "web04"), fleet.prepared);
    assertEquals(4, done.count(Outcome.SUCCEEDED));
    assertEquals(SteeringKind.RELEASE, done.steering().get(1).kind());
    assertEquals("alice@ops", done.steering().get(1).by());
  }

  @Test
  void releaseSkipFailedLeavesTheHostFailedAndMovesOn(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(3));
    fleet.prepare(
        h ->
            h.equals("web01")
                ? new Preparation(
                    new RunResult(
                        RunStatus.UNREACHABLE,
                        "amble: gather facts",
                        "ansible.builtin.setup",
                        "ssh: connect refused",
                        0,
                        ""),
                    List.of(),
                    RemoteState.NONE)
                : new Preparation(OK, holds(4), RemoteState.NONE));
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    awaitPhase(wf, "caught");
    assertEquals(List.of(), fleet.jobsOf("web01"), "jobs ran on an unreachable host");
    release(wf, true, "bob");
    RolloutStatus done = WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
    assertEquals(Outcome.UNREACHABLE, done.results().get("web01").outcome());
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of("web01", "web02", "web03"), fleet.prepared);
  }

  @Test
  void exitJobsRunAfterAFailureButNotFinish(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(1));
    fleet.job(
        r ->
            r.step().job().name().equals("reboot")
                ? new RunResult(RunStatus.TIMED_OUT, "wait for it", "", "", 0, "/l")
                : OK);
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    RolloutStatus caught = awaitPhase(wf, "caught");
    assertEquals(List.of("drain+claim", "upgrade", "reboot", "uncordon"), fleet.jobsOf("web01"));
    assertEquals(List.of(), fleet.finished);
    assertEquals(List.of(), fleet.finishedBy, "the exit job, the last run, finished the host");
    verify(fleet.host, never()).finishHost(any());
    assertEquals(
        new HostResult(Outcome.FAILED, "job reboot: timed out in task 'wait for it'"),
        caught.results().get("web01"));
  }

  @Test
  void aLockTakenBetweenPrepareAndTheClaimRunsNoExitJob(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(2));
    fleet.job(
        r ->
            r.target().host().equals("web01") && r.claim().isPresent()
                ? new RunResult(
                    RunStatus.LOCKED,
                    "amble: refuse",
                    "fail",
                    "locked by workspace db since 2026-11-22T06:00:00Z (rollout r9)",
                    0,
                    "/l")
                : OK);
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    RolloutStatus caught = awaitPhase(wf, "caught");
    assertEquals(
        new HostResult(
            Outcome.LOCKED, "locked by workspace db since 2026-11-22T06:00:00Z (rollout r9)"),
        caught.results().get("web01"));
    assertEquals(
        List.of("drain+claim"),
        fleet.jobsOf("web01"),
        "an exit job touched a host another workspace holds");
    assertEquals(List.of(), fleet.finished);
  }

  @Test
  void cancellingTheRolloutMidJobStillRunsTheExitJobs(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(1));
    java.util.concurrent.CountDownLatch upgrading = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean upgradeEnded =
        new java.util.concurrent.atomic.AtomicBoolean();
    List<String> exitSawUpgradeEnded = Collections.synchronizedList(new ArrayList<>());
    fleet.job(
        r -> {
          String job = r.step().job().name();
          if (job.equals("upgrade")) {
            upgrading.countDown();
            try {
              // A long Ansible run: the heartbeat of a cancelled activity throws.
              while (true) {
                io.temporal.activity.Activity.getExecutionContext().heartbeat("upgrading");
                Thread.sleep(50);
              }
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            } finally {
              upgradeEnded.set(true);
            }
          }
          if (job.equals("uncordon")) {
            exitSawUpgradeEnded.add(String.valueOf(upgradeEnded.get()));
          }
          return OK;
        });
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    assertTrue(upgrading.await(30, java.util.concurrent.TimeUnit.SECONDS));
    WorkflowStub.fromTyped(wf).cancel();
    assertThrows(
        io.temporal.client.WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class));
    WorkflowStub host =
        client.newUntypedWorkflowStub(
            RolloutRequest.hostWorkflowId(
                RolloutRequest.workflowId(Amblefile.DEFAULT_PROJECT, "fleet"), "web01"));
    assertThrows(
        io.temporal.client.WorkflowFailedException.class,
        () -> host.getResult(dev.amble.host.HostOutcome.class));
    assertEquals(List.of("drain+claim", "upgrade", "uncordon"), fleet.jobsOf("web01"));
    assertEquals(
        List.of("true"),
        exitSawUpgradeEnded,
        "the exit job started only once the interrupted job had ended");
    assertEquals(List.of(), fleet.finished);
    RolloutSummary memo =
        MockFleet.memo(client, RolloutRequest.workflowId(Amblefile.DEFAULT_PROJECT, "fleet"));
    assertEquals("cancelled", memo.phase());
    assertTrue(memo.ended().startsWith("cancelled by Temporal's cancellation"), memo.ended());
    assertEquals(1, memo.counts().get("cancelled"));
  }

  /**
   * A dry run (amble check): every job under --check, nothing claimed, no finish (so nothing is
   * written on the host), health checks told it is a dry run, every host recorded as checked.
   */
  @Test
  void aDryRunClaimsNothingFinishesNothingAndRecordsChecked(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet fleet = new MockFleet(hosts(3));
    List<Boolean> jobsUnderCheck = Collections.synchronizedList(new ArrayList<>());
    fleet.job(
        r -> {
          jobsUnderCheck.add(r.dryRun());
          return OK;
        });
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutRequest normal = TestDefinitions.request(TestDefinitions.upgrade("ascending", 2), 1);
    RolloutRequest dry =
        new RolloutRequest(
            normal.definition(),
            normal.limit(),
            normal.seed(),
            normal.concurrency(),
            true,
            false,
            normal.startedBy(),
            normal.heartbeatTimeout(),
            normal.eventsPerRun(),
            false);
    RolloutStatus done = rollout(client, worker, "fleet").run(RolloutInput.start(dry));
    assertEquals("done", done.phase());
    assertTrue(done.dryRun());
    assertEquals(3, done.count(Outcome.CHECKED));
    assertEquals(0, done.count(Outcome.SUCCEEDED));
    assertEquals(
        List.of(), fleet.finished, "a dry run never finishes a host (which writes its state)");
    assertTrue(
        fleet.jobs.stream().noneMatch(j -> j.endsWith("+claim")),
        "a dry run claimed a host: " + fleet.jobs);
    assertEquals(12, jobsUnderCheck.size());
    assertTrue(jobsUnderCheck.stream().allMatch(c -> c), "a job ran without --check");
    assertTrue(done.ended().contains("3 checked"), done.ended());
  }

  /** amble cancel --now: who and why are recorded, then Temporal's cancellation stops the job. */
  @Test
  void cancelNowRecordsWhoAndWhyThenStopsTheJobInFlight(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(3));
    java.util.concurrent.CountDownLatch upgrading = new java.util.concurrent.CountDownLatch(1);
    fleet.job(
        r -> {
          if (r.step().job().name().equals("upgrade")) {
            upgrading.countDown();
            try {
              while (true) {
                io.temporal.activity.Activity.getExecutionContext().heartbeat("upgrading");
                Thread.sleep(50);
              }
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          }
          return OK;
        });
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    assertTrue(upgrading.await(30, java.util.concurrent.TimeUnit.SECONDS));
    wf.cancelSignal(new CancelRequest("bad kernel", "alice@ops", true, ""));
    WorkflowStub.fromTyped(wf).cancel();
    assertThrows(
        io.temporal.client.WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class));
    assertEquals(List.of("drain+claim", "upgrade", "uncordon"), fleet.jobsOf("web01"));
    assertEquals(List.of("web01"), fleet.prepared, "no other host started");
    RolloutSummary memo =
        MockFleet.memo(client, RolloutRequest.workflowId(Amblefile.DEFAULT_PROJECT, "fleet"));
    assertEquals("cancelled", memo.phase());
    assertEquals(
        "cancelled by alice@ops: bad kernel (now: the jobs in flight were stopped, their exit jobs ran)",
        memo.ended());
  }

  /**
   * amble cancel: no new host starts, the hosts in flight finish their walk (exit jobs, finish),
   * and the rollout ends cancelled, saying who and why; a second cancel of an ended rollout is
   * refused.
   */
  @Test
  void aGracefulCancelLetsTheHostsInFlightFinish(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(6));
    java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(2);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    fleet.upgradeHeldUntil(inFlight, cancelled);
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutWorkflow wf = rollout(client, worker, "fleet");
    WorkflowClient.start(
        wf::run,
        RolloutInput.start(TestDefinitions.request(TestDefinitions.upgrade("ascending", 2), 1)));
    assertTrue(inFlight.await(30, java.util.concurrent.TimeUnit.SECONDS));
    RolloutStatus draining =
        wf.cancelRollout(new CancelRequest("window over", "bob@ops", false, ""));
    assertEquals("draining", draining.phase());
    assertEquals(List.of("web01", "web02"), draining.inProgress());
    cancelled.countDown();
    RolloutStatus done = WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
    assertEquals("cancelled", done.phase());
    assertEquals("cancelled by bob@ops: window over", done.ended());
    assertEquals(
        List.of("web01", "web02"),
        fleet.finished.stream().sorted().toList(),
        "the hosts in flight finished their walk");
    assertEquals(
        List.of("web01", "web02"),
        fleet.prepared.stream().sorted().toList(),
        "no new host started");
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(4, done.remaining());
    assertEquals(SteeringKind.CANCEL, done.steering().get(done.steering().size() - 1).kind());
    assertThrows(
        io.temporal.client.WorkflowException.class,
        () -> wf.cancelRollout(new CancelRequest("again", "bob@ops", false, "")),
        "an ended rollout cannot be cancelled");
  }

  @Test
  void aManualCatchStopsNewHostsUntilReleased(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(3));
    java.util.concurrent.CountDownLatch firstHostRunning =
        new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch caughtNow = new java.util.concurrent.CountDownLatch(1);
    fleet.job(
        r -> {
          if (r.target().host().equals("web01") && r.step().job().name().equals("drain")) {
            firstHostRunning.countDown();
            try {
              caughtNow.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return OK;
        });
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    firstHostRunning.await();
    RolloutStatus caught = wf.catchRollout(new CatchRequest("change freeze", "carol", ""));
    assertTrue(caught.caught().caught());
    assertEquals("draining", caught.phase());
    caughtNow.countDown();
    RolloutStatus waiting = awaitPhase(wf, "caught");
    assertEquals(List.of("web01"), fleet.prepared, "a host started while caught");
    assertEquals(1, waiting.count(Outcome.SUCCEEDED));
    assertEquals("change freeze", waiting.caught().reason());
    assertEquals("carol", waiting.caught().by());
    release(wf, false, "carol");
    RolloutStatus done = WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
    assertEquals(3, done.count(Outcome.SUCCEEDED));
  }

  @Test
  void releasingARolloutThatIsNotCaughtIsRefused(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(hosts(1));
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    fleet.job(
        r -> {
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return OK;
        });
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    awaitPhase(wf, "walking");
    Exception refused =
        assertThrows(
            Exception.class,
            () -> wf.releaseRollout(ReleaseRequest.of(wf.status(), false, "dave")));
    assertTrue(
        Failures.oneLine(refused).contains("the rollout is not caught"), Failures.oneLine(refused));
    hold.countDown();
    WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
  }

  @Test
  void theWindowNeverExceedsTheConcurrency(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws InterruptedException {
    MockFleet fleet = new MockFleet(hosts(12));
    // The first hosts stay in their upgrade until three of them are there at once: the window
    // fills for certain, and while they are held the rollout has every chance to start a fourth.
    java.util.concurrent.CountDownLatch windowFull = new java.util.concurrent.CountDownLatch(3);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    fleet.upgradeHeldUntil(windowFull, release);
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutWorkflow wf = rollout(client, worker, "fleet");
    WorkflowClient.start(
        wf::run,
        RolloutInput.start(TestDefinitions.request(TestDefinitions.upgrade("ascending", 3), 1)));
    assertTrue(
        windowFull.await(30, java.util.concurrent.TimeUnit.SECONDS),
        "three hosts were never upgrading at once");
    assertEquals(
        List.of("web01", "web02", "web03"), wf.status().inProgress().stream().sorted().toList());
    assertEquals(3, fleet.walkingNow.get(), "walking while the window is full");
    release.countDown();
    RolloutStatus done = WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
    assertEquals(12, done.count(Outcome.SUCCEEDED));
    assertTrue(fleet.mostAtOnce.get() <= 3, "walked at once: " + fleet.mostAtOnce.get());
    assertEquals(3, fleet.mostAtOnce.get(), "the window was never full");
  }

  @Test
  void theWorkflowIdIsTheWorkspacesMutex(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet fleet = new MockFleet(hosts(1));
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    fleet.job(
        r -> {
          try {
            hold.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return OK;
        });
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutInput input =
        RolloutInput.start(TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1));
    RolloutWorkflow first = rollout(client, worker, "fleet");
    WorkflowClient.start(first::run, input);
    RolloutWorkflow second = rollout(client, worker, "fleet");
    assertThrows(
        WorkflowExecutionAlreadyStarted.class, () -> WorkflowClient.start(second::run, input));
    hold.countDown();
    WorkflowStub.fromTyped(first).getResult(RolloutStatus.class);
    // Once it is done, the workspace can be rolled out again.
    RolloutWorkflow again = rollout(client, worker, "fleet");
    assertEquals("done", again.run(input).phase());
  }

  static Map<String, Integer> counts(List<String> items) {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    items.forEach(i -> counts.merge(i, 1, Integer::sum));
    return counts;
  }
}

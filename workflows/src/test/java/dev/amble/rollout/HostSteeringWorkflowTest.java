package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.host.Outcome;
import dev.amble.machine.TransitionVisits;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One host steered: skipped before its walk, walked again while the rollout stays caught for the
 * others, or left failed by a release that walks the others again.
 */
@ExtendWith(TransitionVisits.class)
class HostSteeringWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  final StrategyWorkflowTest runs = new StrategyWorkflowTest();

  /** The rollout's status once {@code done} holds of it (a poll of its own answer). */
  RolloutStatus awaitStatus(String what, Predicate<RolloutStatus> done)
      throws InterruptedException {
    for (int i = 0; i < 1500; i++) {
      RolloutStatus s = runs.wf.status();
      if (done.test(s)) {
        return s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("never " + what + ": " + runs.wf.status());
  }

  /** {@code hosts} hosts one at a time, h01 in its job until {@code release}; once it is there. */
  MockFleet startWithH01Held(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      int hosts,
      CountDownLatch release)
      throws InterruptedException {
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(hosts));
    CountDownLatch started = new CountDownLatch(1);
    f.jobHeldUntil("work", "h01"::equals, started, release);
    runs.start(env, worker, client, StrategyWorkflowTest.definition(1, ""), f);
    assertTrue(started.await(30, TimeUnit.SECONDS));
    return f;
  }

  static HostSteering steer(String host, String why) {
    return new HostSteering(host, "tester@test", why, "");
  }

  @Test
  void aSkippedHostIsNeverWalkedAndTheOthersAre(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    MockFleet f = startWithH01Held(env, worker, client, 4, release);
    WorkflowUpdateException inFlight =
        assertThrows(WorkflowUpdateException.class, () -> runs.wf.skipHost(steer("h01", "")));
    assertTrue(inFlight.getCause().getMessage().contains("h01 is in flight"), inFlight.toString());
    RolloutStatus after = runs.wf.skipHost(steer("h03", "disk replaced by hand"));
    assertEquals("skip", after.steering().get(after.steering().size() - 1).kind().word());
    assertThrows(WorkflowUpdateException.class, () -> runs.wf.skipHost(steer("h03", "twice")));
    release.countDown();
    RolloutStatus done = runs.result();
    assertEquals(3, done.count(Outcome.SUCCEEDED));
    assertEquals(1, done.count(Outcome.SKIPPED));
    assertFalse(f.jobs.stream().anyMatch(j -> j.startsWith("h03:")), f.jobs.toString());
  }

  @Test
  void oneFailedHostIsWalkedAgainWhileTheRolloutStaysCaughtThenAReleaseLeavesTheOtherFailed(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(4));
    Map<String, Integer> tries = new ConcurrentHashMap<>();
    CountDownLatch bothIn = new CountDownLatch(2);
    f.job(
        r -> {
          String host = r.target().host();
          int n = tries.merge(host, 1, Integer::sum);
          if (n == 1 && (host.equals("h01") || host.equals("h02"))) {
            bothIn.countDown();
            try {
              bothIn.await(30, TimeUnit.SECONDS); // both in flight before either fails
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return StrategyWorkflowTest.FAILED;
          }
          return MockFleet.OK;
        });
    Definition d = StrategyWorkflowTest.definition(2, "");
    runs.start(env, worker, client, d, f);
    RolloutStatus caught = awaitStatus("caught with both failed", s -> s.awaiting().size() == 2);
    assertTrue(caught.caught().caught());
    WorkflowUpdateException notWaiting =
        assertThrows(WorkflowUpdateException.class, () -> runs.wf.retryHost(steer("h03", "")));
    assertTrue(
        notWaiting.getCause().getMessage().contains("h03 is not waiting for a release"),
        notWaiting.toString());

    runs.wf.retryHost(steer("h01", "a flaky mirror"));
    RolloutStatus retried = awaitStatus("h01 walked again", s -> s.count(Outcome.SUCCEEDED) == 1);
    assertTrue(retried.caught().caught(), "the rollout stays caught for the others");
    assertEquals(List.of("h02"), retried.awaiting());
    assertEquals(2, tries.get("h01"));
    assertEquals(null, tries.get("h03"), "no other host started while caught");

    assertThrows(
        WorkflowUpdateException.class,
        () ->
            runs.wf.releaseRollout(
                ReleaseRequest.of(retried, false, "tester@test").except(List.of("h04"))));
    runs.wf.releaseRollout(ReleaseRequest.of(retried, false, "tester@test").except(List.of("h02")));
    RolloutStatus done = runs.result();
    assertEquals(3, done.count(Outcome.SUCCEEDED), done.toString());
    assertEquals(1, done.count(Outcome.FAILED), done.toString());
    assertEquals(1, tries.get("h02"), "h02 was left failed");
    List<String> kinds = done.steering().stream().map(s -> s.kind().word()).toList();
    assertTrue(kinds.contains("retry") && kinds.contains("release"), kinds.toString());
  }

  /**
   * As an attacker with the key would try it: signals with a host of a megabyte, a reason of a
   * megabyte, a skip copied from another rollout, and more skips than the rollout keeps. Nothing
   * grows past its bound, and the rollout goes on.
   */
  @Test
  void oversizedStaleOrTooManySkipsChangeNothingUnbounded(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    startWithH01Held(env, worker, client, 2, release);
    String mega = "x".repeat(1 << 20);
    runs.wf.skipSignal(new HostSteering(mega, "mallory", "", ""));
    runs.wf.skipSignal(new HostSteering("h02", mega, mega, "some-other-rollout"));
    for (int i = 0; i < CatchAndRelease.SKIPS_KEPT + 10; i++) {
      runs.wf.skipSignal(new HostSteering("ghost" + i, mega, mega, ""));
    }
    RolloutStatus s = awaitStatus("the skips recorded", st -> st.steering().size() >= 50);
    int size = PayloadBoundsTest.size(s);
    assertTrue(size < 64 * 1024, "status is " + size + " bytes");
    assertThrows(
        WorkflowUpdateException.class, () -> runs.wf.skipHost(steer("ghost-one-more", "")));
    release.countDown();
    RolloutStatus done = runs.result();
    assertEquals(2, done.count(Outcome.SUCCEEDED), "the stale skip of h02 was dropped");
  }
}

package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.failure.Failures;
import dev.amble.host.Outcome;
import dev.amble.machine.TransitionVisits;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Steering that names an earlier catch, or another rollout of the workspace, changes nothing: a
 * release copied from history (whose payload decrypts as well as a fresh one) cannot end a later
 * catch, nor an unnamed one any catch.
 */
@ExtendWith(TransitionVisits.class)
class StaleSteeringTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  @Test
  void theRuleNamesWhatIsStale() {
    Caught second = new Caught(true, "freeze", "ann", "2026-12-06T10:00:00Z", 2);
    assertEquals(
        Optional.empty(),
        StaleSteering.release(new ReleaseRequest(false, "ann", "r1", 2), "r1", second));
    assertTrue(
        StaleSteering.release(new ReleaseRequest(false, "ann", "r1", 1), "r1", second)
            .orElseThrow()
            .contains("releases catch 1, and the rollout is caught by catch 2"));
    assertTrue(
        StaleSteering.release(new ReleaseRequest(false, "ann", "r0", 2), "r1", second)
            .orElseThrow()
            .contains("names rollout r0"));
    assertTrue(
        StaleSteering.release(new ReleaseRequest(false, "ann", "", 0), "r1", second)
            .orElseThrow()
            .contains("{\"rollout\": \"r1\", \"caught\": 2}"));
    assertTrue(
        StaleSteering.release(new ReleaseRequest(false, "ann", "r1", 2), "r1", Caught.NO)
            .isPresent());
    assertEquals(Optional.empty(), StaleSteering.named("", "r1"));
    assertEquals(Optional.empty(), StaleSteering.named("r1", "r1"));
    assertTrue(StaleSteering.named("r0", "r1").isPresent());
  }

  @Test
  void aReplayedReleaseOfAnEarlierCatchOrAnotherRolloutChangesNothing(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(RolloutWorkflowTest.hosts(3));
    CountDownLatch firstHostRunning = new CountDownLatch(1);
    CountDownLatch caughtTwice = new CountDownLatch(1);
    fleet.job(
        r -> {
          if (r.target().host().equals("web01") && r.step().job().name().equals("drain")) {
            firstHostRunning.countDown();
            try {
              caughtTwice.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return MockFleet.OK;
        });
    RolloutWorkflow wf = RolloutWorkflowTest.startUpgrade(env, worker, client, fleet);
    firstHostRunning.await();
    RolloutStatus first = wf.catchRollout(new CatchRequest("first", "carol", ""));
    assertEquals(1, first.caught().number());
    // The release of catch 1, as amble release sends it: what an attacker later copies.
    ReleaseRequest ofFirst = ReleaseRequest.of(first, false, "carol");
    wf.releaseRollout(ofFirst);
    RolloutStatus second = wf.catchRollout(new CatchRequest("second", "dave", first.rollout()));
    assertEquals(2, second.caught().number());

    assertRefused("releases catch 1", () -> wf.releaseRollout(ofFirst));
    assertRefused(
        "names the rollout and the catch",
        () -> wf.releaseRollout(new ReleaseRequest(false, "mallory", "", 0)));
    assertRefused(
        "names rollout another-run",
        () -> wf.releaseRollout(new ReleaseRequest(false, "mallory", "another-run", 2)));
    assertRefused(
        "names rollout another-run",
        () -> wf.cancelRollout(new CancelRequest("", "mallory", false, "another-run")));
    assertRefused(
        "names rollout another-run",
        () -> wf.catchRollout(new CatchRequest("", "mallory", "another-run")));
    // The same as signals (the Web UI's way), which have no answer: dropped.
    wf.releaseSignal(ofFirst);
    wf.releaseSignal(new ReleaseRequest(false, "mallory", "", 0));
    wf.cancelSignal(new CancelRequest("", "mallory", true, "another-run"));
    caughtTwice.countDown();

    RolloutStatus waiting = RolloutWorkflowTest.awaitPhase(wf, "caught");
    assertEquals(2, waiting.caught().number());
    assertEquals("dave", waiting.caught().by());
    assertEquals(
        Optional.empty(),
        waiting.steering().stream().filter(s -> s.by().equals("mallory")).findAny());
    RolloutWorkflowTest.release(wf, false, "dave");
    RolloutStatus done = WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
    assertEquals("done", done.phase());
    assertEquals(3, done.count(Outcome.SUCCEEDED));
  }

  private static void assertRefused(String why, Supplier<RolloutStatus> steer) {
    try {
      RolloutStatus s = steer.get();
      throw new AssertionError("not refused (" + why + "): " + s.caught());
    } catch (WorkflowException e) {
      assertTrue(Failures.oneLine(e).contains(why), Failures.oneLine(e));
    }
  }
}

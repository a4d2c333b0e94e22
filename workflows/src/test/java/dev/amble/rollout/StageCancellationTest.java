package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.health.HealthCheckAnswer;
import dev.amble.machine.TransitionVisits;
import dev.amble.machine.Transitions.Transition;
import dev.amble.rollout.Stage.Event;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rollout's stage transitions that the scenario tests do not make: Temporal's cancellation from
 * each stage, a wave check that aborts, and the waits that continue as new in the post-checks and
 * the pause. Each test checks the transition it is for; {@code TransitionCoverageTest} counts them
 * with the others'.
 */
@ExtendWith(TransitionVisits.class)
class StageCancellationTest {
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      RolloutWorkers.extension()
          // The watcher holds a workflow thread while the test sends the cancellation.
          .setWorkerOptions(
              WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build())
          .build();

  /**
   * A stage, the strategy of a rollout that waits in it, and how the test knows it waits there: a
   * wave check running (an activity), or else the stage entered from {@code from} (then a timer or
   * a release is what it waits for).
   */
  enum Waiting {
    NEXT_WAVE("waves: [1]\npause_between_waves: manual", Stage.POST_CHECKS),
    PRE_CHECKS("pre_checks:\n  wave:\n    - { name: capacity, http: \"http://cap/\" }", null),
    BAKING("bake_time: 2h", Stage.WALKING),
    POST_CHECKS("post_checks:\n  wave:\n    - { name: errors, http: \"http://err/\" }", null),
    PAUSING("waves: [1]\npause_between_waves: 2h", Stage.POST_CHECKS);

    final String strategy;
    final Optional<Stage> from;

    Waiting(String strategy, Stage from) {
      this.strategy = strategy;
      this.from = Optional.ofNullable(from);
    }

    Stage stage() {
      return Stage.valueOf(name());
    }
  }

  final Set<Transition<?, ?>> seen = ConcurrentHashMap.newKeySet();

  RolloutWorkflow rollout(Worker worker, WorkflowClient client) {
    return client.newWorkflowStub(
        RolloutWorkflow.class,
        WorkflowOptions.newBuilder()
            .setWorkflowId(
                RolloutRequest.workflowId(dev.amble.amblefile.Amblefile.DEFAULT_PROJECT, "fleet"))
            .setTaskQueue(worker.getTaskQueue())
            .build());
  }

  static RolloutRequest request(Definition d, int eventsPerRun) {
    return TestDefinitions.request(d, 1, eventsPerRun);
  }

  static void assertCancelled(RolloutWorkflow wf) {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(wf).getResult(30, TimeUnit.SECONDS, RolloutStatus.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
  }

  void assertSeen(Stage from, Event event, Stage to) {
    Transition<Stage, Event> t = new Transition<>(from, event, to);
    assertTrue(seen.contains(t), t + " not made; made: " + seen);
  }

  /**
   * Cancelled by Temporal while it waits in a stage: it leaves that stage for ENDED. The watcher
   * holds the workflow thread that enters the stage until the cancellation is sent, so that the
   * rollout sees it at its next wait, which is the stage's own; or the stage's wave check runs
   * until the rollout has ended.
   */
  @ParameterizedTest
  @EnumSource(Waiting.class)
  void temporalsCancellationEndsTheRolloutFromTheStageItWaitsIn(
      Waiting w, TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch cancelSent = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    AtomicBoolean held = new AtomicBoolean();
    try (AutoCloseable watching =
        TransitionVisits.watch(
            t -> {
              seen.add(t);
              if (w.from.isPresent()
                  && t.from() == w.from.get()
                  && t.event() == Event.STEP
                  && t.to() == w.stage()
                  && held.compareAndSet(false, true)) {
                entered.countDown();
                try {
                  cancelSent.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            })) {
      MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(2));
      // A wave check runs until the rollout has ended: the cancellation finds it running (the test
      // server refuses to cancel an activity that is only scheduled: ACTIVITY_UNKNOWN).
      f.healthChecks(
          r -> {
            entered.countDown();
            try {
              ended.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return new HealthCheckAnswer(true, "");
          });
      worker.registerActivitiesImplementations(f.activities());
      env.start();
      RolloutWorkflow wf = rollout(worker, client);
      WorkflowClient.start(
          wf::run,
          RolloutInput.start(request(StrategyWorkflowTest.definition(1, w.strategy), 5000)));
      assertTrue(entered.await(30, TimeUnit.SECONDS), "never entered " + w.stage() + ": " + seen);
      WorkflowStub.fromTyped(wf).cancel();
      cancelSent.countDown();
      assertCancelled(wf);
    } finally {
      ended.countDown();
    }
    assertSeen(w.stage(), Event.CANCEL, Stage.ENDED);
  }

  /**
   * Cancelled by Temporal while planning (its syntax check and plan are activities): it ends as
   * from any other stage, its memo and status saying cancelled.
   */
  @Test
  void temporalsCancellationWhilePlanningEndsTheRollout(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    try (AutoCloseable watching = TransitionVisits.watch(seen::add)) {
      MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(2));
      worker.registerActivitiesImplementations(f.activities());
      RolloutWorkflow wf = rollout(worker, client);
      WorkflowClient.start(
          wf::run,
          RolloutInput.start(request(StrategyWorkflowTest.definition(1, "waves: [1]"), 5000)));
      WorkflowStub.fromTyped(wf).cancel();
      env.start();
      assertCancelled(wf);
      RolloutStatus s = wf.status();
      assertEquals("cancelled", s.phase());
      assertTrue(s.ended().startsWith("cancelled by Temporal's cancellation"), s.ended());
      assertEquals(java.util.List.of(), f.prepared, "no host was touched");
    }
    assertSeen(Stage.PLANNING, Event.CANCEL, Stage.ENDED);
  }

  /** A wave check that fails with on_failure: abort ends the rollout from its stage. */
  @ParameterizedTest
  @ValueSource(strings = {"pre_checks", "post_checks"})
  void anAbortingWaveCheckEndsTheRolloutFromItsStage(
      String checks, TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    try (AutoCloseable watching = TransitionVisits.watch(seen::add)) {
      MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(2));
      f.healthChecks(r -> new HealthCheckAnswer(false, "error rate 9%"));
      worker.registerActivitiesImplementations(f.activities());
      env.start();
      RolloutWorkflow wf = rollout(worker, client);
      Definition d =
          StrategyWorkflowTest.definition(
              1,
              checks
                  + ":\n  wave:\n    - { name: errors, http: \"http://err/\", on_failure: abort }");
      WorkflowClient.start(wf::run, RolloutInput.start(request(d, 5000)));
      assertEquals("aborted", WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class).phase());
    }
    Stage stage = checks.equals("pre_checks") ? Stage.PRE_CHECKS : Stage.POST_CHECKS;
    assertSeen(stage, Event.STEP, Stage.ENDING);
  }

  /**
   * Continuous checks every 5 minutes add history while the rollout is held at a failed wave
   * post-check, then while it pauses between waves: each wait yields (steps to its own stage) and
   * the run continues as new from there.
   */
  @Test
  void aHoldAtThePostChecksAndAPauseContinueAsNewFromTheirStage(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    try (AutoCloseable watching = TransitionVisits.watch(seen::add)) {
      MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(2));
      AtomicInteger waveChecks = new AtomicInteger();
      f.healthChecks(
          r ->
              new HealthCheckAnswer(
                  !r.healthCheck().name().equals("errors") || waveChecks.incrementAndGet() != 1,
                  "error rate 9%"));
      worker.registerActivitiesImplementations(f.activities());
      env.start();
      RolloutWorkflow wf = rollout(worker, client);
      Definition d =
          StrategyWorkflowTest.definition(
              1,
              """
              waves: [1]
              pause_between_waves: 3h
              post_checks:
                wave:
                  - { name: errors, http: "http://err/" }
              continuous_checks:
                interval: 5m
                checks:
                  - { name: 5xx, http: "http://metrics/5xx" }
              """);
      WorkflowClient.start(wf::run, RolloutInput.start(request(d, 150)));
      env.sleep(Duration.ofHours(3)); // held at the failed post-check
      RolloutStatus held = RolloutWorkflowTest.awaitPhase(wf, "caught");
      assertTrue(held.runs() >= 1, "never continued as new while held");
      RolloutWorkflowTest.release(wf, false, "op");
      assertEquals("done", WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class).phase());
    }
    assertSeen(Stage.POST_CHECKS, Event.STEP, Stage.POST_CHECKS);
    assertSeen(Stage.POST_CHECKS, Event.CONTINUE_AS_NEW, Stage.POST_CHECKS);
    assertSeen(Stage.PAUSING, Event.STEP, Stage.PAUSING);
    assertSeen(Stage.PAUSING, Event.CONTINUE_AS_NEW, Stage.PAUSING);
  }
}

package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.machine.TransitionVisits;
import dev.amble.machine.Transitions.Transition;
import dev.amble.machine.UndeclaredTransition;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The host walk's stage transitions that the rollout tests do not make: a finish that fails, and a
 * cancellation in the middle of an exit job. The table's shape is checked here too.
 */
@ExtendWith(TransitionVisits.class)
class HostStageTest {
  static final String QUEUE = "host-stages";

  static final RunResult OK = new RunResult(RunStatus.OK, "", "", "", 0, "/logs/x.log");

  final Set<Transition<?, ?>> seen = ConcurrentHashMap.newKeySet();
  final List<String> runs = Collections.synchronizedList(new ArrayList<>());

  /**
   * Every job's preconditions hold; {@code job} answers each run; finish answers {@code finish}.
   */
  HostActivities activities(Function<JobRequest, RunResult> job, RunResult finish) {
    return new HostActivities() {
      @Override
      public Preparation prepareHost(PrepareRequest r) {
        return new Preparation(
            OK, Collections.nCopies(r.steps().size(), Verdict.HOLDS), RemoteState.NONE);
      }

      @Override
      public RunResult runJob(JobRequest r) {
        runs.add(r.step().job().name());
        return job.apply(r);
      }

      @Override
      public RunResult finishHost(FinishRequest r) {
        runs.add("finish");
        return finish;
      }
    };
  }

  /**
   * A test Temporal in real time (the walks wait for no timer, and a cancelled job learns of it at
   * its next heartbeat, which the short heartbeat timeout of {@link #input} makes come soon),
   * walking with {@code activities}.
   */
  static TestWorkflowEnvironment env(HostActivities activities) {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder().setUseTimeskipping(false).build());
    Worker worker =
        env.newWorker(
            QUEUE, WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
    worker.registerWorkflowImplementationTypes(TransitionVisits.OPTIONS, HostWorkflowImpl.class);
    worker.registerActivitiesImplementations(activities);
    env.start();
    return env;
  }

  static Definition definition(String jobs) throws AmblefileException {
    return AmblefileLoader.parse(
            Path.of("/virtual/Amblefile.yml"),
            "Amblefile.yml",
            """
            workspaces:
              fleet: { host_pattern: fleet, workflow: patch }
            workflows:
              patch:
                jobs: [ { job: patch } ]
                exit_jobs: [ { job: uncordon }, { job: notify } ]
            jobs:
            %s
            """
                .formatted(jobs.strip().indent(2)))
        .definition("fleet");
  }

  static HostWorkflow walk(TestWorkflowEnvironment env) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            HostWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId("amble/fleet/h01")
                .build());
  }

  static HostInput input(Definition d) {
    return new HostInput(
        d, "h01", "amble/fleet", false, false, Duration.ofSeconds(1), false, 1, false);
  }

  void assertSeen(HostStage from, HostStage.Event event, HostStage to) {
    Transition<HostStage, HostStage.Event> t = new Transition<>(from, event, to);
    assertTrue(seen.contains(t), t + " not made; made: " + seen);
  }

  /**
   * No job runs Ansible, so no run finishes the host: finish is a run of its own, and when it fails
   * the walk ends there, failed.
   */
  @Test
  void aFailedFinishEndsTheWalk() throws Exception {
    RunResult lost = new RunResult(RunStatus.UNREACHABLE, "finish", "", "ssh: timeout", 0, "/f");
    try (AutoCloseable watching = TransitionVisits.watch(seen::add);
        TestWorkflowEnvironment env = env(activities(r -> OK, lost))) {
      HostOutcome o =
          walk(env)
              .walk(
                  input(
                      definition(
                          """
                          patch: { preconditions: "true" }
                          uncordon: { preconditions: "true" }
                          notify: { preconditions: "true" }
                          """)));
      assertEquals(Outcome.FAILED, o.outcome());
      assertTrue(o.reason().startsWith("finish: "), o.reason());
      assertEquals(List.of("finish"), runs);
    }
    assertSeen(HostStage.FINISHING, HostStage.Event.STEP, HostStage.DONE);
  }

  /**
   * Cancelled while an exit job runs: the exit job runs again, and the ones after it, where the
   * cancellation does not reach; then the walk ends cancelled.
   */
  @Test
  void aWalkCancelledInAnExitJobRunsItAgainAndTheRest() throws Exception {
    CountDownLatch uncordoning = new CountDownLatch(1);
    HostActivities activities =
        activities(
            r -> {
              if (r.step().job().name().equals("uncordon") && uncordoning.getCount() > 0) {
                uncordoning.countDown();
                try {
                  while (true) { // a long run: the heartbeat of a cancelled activity throws
                    Activity.getExecutionContext().heartbeat("uncordoning");
                    Thread.sleep(50);
                  }
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              }
              return OK;
            },
            OK);
    try (AutoCloseable watching = TransitionVisits.watch(seen::add);
        TestWorkflowEnvironment env = env(activities)) {
      HostWorkflow wf = walk(env);
      String jobs =
          """
          patch: { tasks: [ { ansible.builtin.ping: {} } ] }
          uncordon: { tasks: [ { ansible.builtin.ping: {} } ] }
          notify: { tasks: [ { ansible.builtin.ping: {} } ] }
          """;
      WorkflowClient.start(wf::walk, input(definition(jobs)));
      assertTrue(uncordoning.await(30, TimeUnit.SECONDS));
      WorkflowStub.fromTyped(wf).cancel();
      WorkflowFailedException e =
          assertThrows(
              WorkflowFailedException.class,
              () -> WorkflowStub.fromTyped(wf).getResult(HostOutcome.class));
      assertInstanceOf(CanceledFailure.class, e.getCause());
      assertEquals(List.of("patch", "uncordon", "uncordon", "notify"), runs);
    }
    assertSeen(HostStage.EXIT_JOBS, HostStage.Event.CANCEL, HostStage.EXIT_JOBS);
  }

  @Test
  void anUndeclaredMoveIsRefusedAndEveryStageLeadsToDone() {
    UndeclaredTransition e =
        assertThrows(
            UndeclaredTransition.class,
            () ->
                HostStage.TRANSITIONS.to(
                    HostStage.FINISHING, HostStage.Event.STEP, HostStage.JOBS));
    assertEquals("a host walk's stages do not allow FINISHING -STEP-> JOBS", e.getMessage());
    for (HostStage s : HostStage.values()) {
      Set<HostStage> seenStages = java.util.EnumSet.of(s);
      List<HostStage> todo = new ArrayList<>(List.of(s));
      while (!todo.isEmpty()) {
        for (HostStage n : HostStage.TRANSITIONS.next(todo.remove(0), HostStage.Event.STEP)) {
          if (seenStages.add(n)) {
            todo.add(n);
          }
        }
      }
      assertTrue(seenStages.contains(HostStage.DONE), s + " cannot reach DONE");
    }
  }
}

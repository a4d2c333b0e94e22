package dev.amble.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.machine.TransitionVisits;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Host walks are counted once each on the worker's metrics, by outcome, and replaying their
 * histories on the same worker counts nothing more.
 */
@ExtendWith(TransitionVisits.class)
class HostMetricsTest {
  static final String QUEUE = "host-metrics";
  static final RunResult OK = new RunResult(RunStatus.OK, "", "", "", 0, "/logs/x.log");

  /** Prepared with the precondition failing on h02 (skipped), holding elsewhere; all else ok. */
  static final class Activities implements HostActivities {
    @Override
    public Preparation prepareHost(PrepareRequest r) {
      Verdict v = r.target().host().equals("h02") ? Verdict.fails("not Debian") : Verdict.HOLDS;
      return new Preparation(OK, List.of(v, Verdict.HOLDS), RemoteState.NONE);
    }

    @Override
    public RunResult runJob(JobRequest r) {
      return OK;
    }

    @Override
    public RunResult finishHost(FinishRequest r) {
      return OK;
    }
  }

  @Test
  void eachWalkIsCountedOnceByOutcomeThoughReplayed() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // Reported only when closed, below: what the test reads is everything the walks counted.
    Scope scope =
        new RootScopeBuilder()
            .reporter(new MicrometerClientStatsReporter(registry))
            .reportEvery(com.uber.m3.util.Duration.ofSeconds(3600));
    Definition d = definition();
    try (TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setMetricsScope(scope)
                // Real time: skipped time can time out a workflow task a busy machine is still
                // running, and its retry would run (and count) the walk's start again.
                .setUseTimeskipping(false)
                .build())) {
      // A first workflow task that class-loads on a busy machine may pass the SDK's 1s deadlock
      // detection, fail and run again: counted twice (at least once), not what this test checks.
      Worker worker =
          env.newWorker(
              QUEUE, WorkerOptions.newBuilder().setDefaultDeadlockDetectionTimeout(60_000).build());
      worker.registerWorkflowImplementationTypes(TransitionVisits.OPTIONS, HostWorkflowImpl.class);
      worker.registerActivitiesImplementations(new Activities());
      Worker replayer = env.newWorker(QUEUE + "-replay");
      replayer.registerWorkflowImplementationTypes(
          TransitionVisits.OPTIONS, HostWorkflowImpl.class);
      env.start();

      assertEquals(Outcome.SUCCEEDED, walk(env, d, "h01").outcome());
      assertEquals(Outcome.SKIPPED, walk(env, d, "h02").outcome());
      assertEquals(Outcome.SUCCEEDED, walk(env, d, "h03").outcome());

      // Replayed on a worker of the same factory, so with the same metrics scope.
      for (String host : List.of("h01", "h02", "h03")) {
        WorkflowReplayer.replayWorkflowExecution(
            env.getWorkflowClient().fetchHistory("amble/fleet/" + host), replayer);
      }
    }
    scope.close();

    assertEquals(3, count(registry, HostMetrics.WALKED, Optional.empty()));
    assertEquals(2, count(registry, HostMetrics.FINISHED, Optional.of("succeeded")));
    assertEquals(1, count(registry, HostMetrics.FINISHED, Optional.of("skipped")));
    assertEquals(
        3,
        registry.find(HostMetrics.FINISHED).counters().stream().mapToDouble(Counter::count).sum());
  }

  static double count(SimpleMeterRegistry registry, String name, Optional<String> outcome) {
    var search = registry.find(name).tag("workflow_type", "HostWorkflow");
    if (outcome.isPresent()) {
      search = search.tag("outcome", outcome.get());
    }
    return search.counters().stream().mapToDouble(Counter::count).sum();
  }

  static HostOutcome walk(TestWorkflowEnvironment env, Definition d, String host) {
    return env.getWorkflowClient()
        .newWorkflowStub(
            HostWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(QUEUE)
                .setWorkflowId("amble/fleet/" + host)
                .build())
        .walk(
            new HostInput(
                d, host, "amble/fleet", false, false, Duration.ofSeconds(30), false, 1, false));
  }

  static Definition definition() throws AmblefileException {
    return AmblefileLoader.parse(
            Path.of("/virtual/Amblefile.yml"),
            "Amblefile.yml",
            """
            workspaces:
              fleet: { host_pattern: fleet, workflow: patch }
            workflows:
              patch:
                jobs: [ { job: patch } ]
                exit_jobs: [ { job: uncordon } ]
            jobs:
              patch:
                preconditions: facts.ansible_distribution == "Debian"
                tasks: [ { ansible.builtin.ping: {} } ]
              uncordon: { tasks: [ { ansible.builtin.ping: {} } ] }
            """)
        .definition("fleet");
  }
}

package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.host.FinishRequest;
import dev.amble.host.HostActivities;
import dev.amble.host.Outcome;
import dev.amble.host.Preparation;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.machine.TransitionVisits;
import dev.amble.pages.PageActivities;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rollout in waves that continues as new mid-wave walks every host exactly once (see
 * TenThousandHostsTest for a larger fleet with failures).
 */
@ExtendWith(TransitionVisits.class)
class ContinueAsNewTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  static Definition definition(String strategy) throws Exception {
    return AmblefileLoader.parse(
            Path.of("/virtual/Amblefile.yml"),
            "Amblefile.yml",
            """
            workspaces:
              big: { host_pattern: all, workflow: check, sort_order: ascending, concurrency: 50 %s }
            workflows:
              check: { jobs: [ { job: look } ] }
            jobs:
              look: { preconditions: "true" }
            """
                .formatted(strategy))
        .definition("big");
  }

  @Test
  void wavesCarryOverAContinueAsNewInTheMiddleOfAWave(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    RolloutStatus done = walk(env, worker, client, definition(", waves: [1, \"30%\"]"), 1000, 500);
    assertEquals(List.of(1, 300, 300, 300, 99), done.progress().waveSizes());
    assertEquals(5, done.progress().wave());
    assertTrue(done.runs() >= 2, "continued as new only " + done.runs() + " times");
  }

  RolloutStatus walk(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      Definition d,
      int count,
      int eventsPerRun)
      throws Exception {
    List<String> hosts =
        IntStream.range(0, count).mapToObj(i -> String.format("host%05d", i)).toList();
    RunResult ok = new RunResult(RunStatus.OK, "", "", "", 0, "");
    WorkspaceActivities workspace =
        mock(WorkspaceActivities.class, withSettings().withoutAnnotations());
    PageActivities pages = mock(PageActivities.class, withSettings().withoutAnnotations());
    MockFleet.plan(workspace, pages, hosts, List.of(), 1000);
    HostActivities host = mock(HostActivities.class, withSettings().withoutAnnotations());
    // A step asked by reference is the job request the walk's input names (WalkInputs).
    org.mockito.Mockito.doCallRealMethod().when(host).runStep(any());
    when(host.prepareHost(any()))
        .thenReturn(new Preparation(ok, List.of(Verdict.HOLDS), RemoteState.NONE));
    Map<String, Integer> finished = new ConcurrentHashMap<>();
    when(host.finishHost(any()))
        .thenAnswer(
            inv -> {
              finished.merge(((FinishRequest) inv.getArgument(0)).target().host(), 1, Integer::sum);
              return ok;
            });
    worker.registerActivitiesImplementations(workspace, host, pages);
    env.start();

    RolloutRequest request =
        new RolloutRequest(
            d,
            Optional.empty(),
            7,
            50,
            false,
            false,
            "test",
            Duration.ofSeconds(30),
            eventsPerRun,
            false);
    RolloutWorkflow wf =
        client.newWorkflowStub(
            RolloutWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("amble/big")
                .setTaskQueue(worker.getTaskQueue())
                .build());
    RolloutStatus done = wf.run(RolloutInput.start(request));

    assertEquals("done", done.phase());
    assertEquals(count, done.total());
    assertTrue(done.results().isEmpty(), "succeeded hosts are counted, not listed");
    assertEquals(count, done.count(Outcome.SUCCEEDED));
    assertEquals(count, finished.size(), "hosts finished");
    assertTrue(finished.values().stream().allMatch(n -> n == 1), "a host was walked twice");
    assertEquals(hosts, finished.keySet().stream().sorted().toList());
    return done;
  }
}

package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.host.Claim;
import dev.amble.host.HostActivities;
import dev.amble.host.JobRequest;
import dev.amble.host.Outcome;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.machine.TransitionVisits;
import dev.amble.pages.Page;
import dev.amble.pages.PageActivities;
import dev.amble.pages.Pages;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 hosts with 60-character names on Temporal's test server, every tenth failing with a long
 * reason and every twentieth unreachable, under a budget that lets them: every host is claimed
 * exactly once, the rollout continues as new many times, and its failed hosts are all on its pages
 * and its last list, each once, with their reasons.
 */
@ExtendWith(TransitionVisits.class)
class TenThousandHostsTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  static final int HOSTS = 10_000;
  static final String LONG_REASON = "x".repeat(400);

  static String name(int i) {
    return String.format("host%05d.", i) + "a".repeat(50);
  }

  @Test
  void everyHostOnceAndEveryFailureListed(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Definition d =
        AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                """
                workspaces:
                  big:
                    host_pattern: all
                    workflow: look
                    concurrency: 100
                    max_failures: 100%
                    waves: [1, "25%"]
                workflows:
                  look: { jobs: [ { job: look } ] }
                jobs:
                  look: { tasks: [ { ansible.builtin.ping: {} } ] }
                """)
            .definition("big");
    List<String> hosts = IntStream.range(0, HOSTS).mapToObj(TenThousandHostsTest::name).toList();
    RunResult ok = new RunResult(RunStatus.OK, "", "", "", 0, "");
    // No precondition: walks do not prepare, and the first run's claim is each host's first
    // contact, where the unreachable ones do not answer.
    Map<String, Integer> contacted = new ConcurrentHashMap<>();
    HostActivities host = mock(HostActivities.class, withSettings().withoutAnnotations());
    // A step asked by reference is the job request the walk's input names (WalkInputs).
    org.mockito.Mockito.doCallRealMethod().when(host).runStep(any());
    when(host.prepareHost(any()))
        .thenThrow(new IllegalStateException("a walk with nothing to prepare prepared"));
    when(host.runJob(any()))
        .thenAnswer(
            inv -> {
              JobRequest r = inv.getArgument(0);
              String h = r.target().host();
              int i = Integer.parseInt(h.substring(4, 9));
              if (r.claim().isPresent()) {
                contacted.merge(h, 1, Integer::sum);
                if (i % 20 == 7) {
                  return new RunResult(
                      RunStatus.UNREACHABLE,
                      Claim.TASK,
                      "amble_lock",
                      "no route " + LONG_REASON,
                      0,
                      "");
                }
              }
              return i % 10 == 3
                  ? new RunResult(
                      RunStatus.FAILED, "apt", "ansible.builtin.apt", LONG_REASON, 0, "")
                  : ok;
            });
    when(host.finishHost(any())).thenReturn(ok);
    WorkspaceActivities workspace =
        mock(WorkspaceActivities.class, withSettings().withoutAnnotations());
    PageActivities pages = mock(PageActivities.class, withSettings().withoutAnnotations());
    MockFleet.plan(workspace, pages, hosts, List.of(), Pages.WALK_PAGE_SIZE);
    worker.registerActivitiesImplementations(host, workspace, pages);
    TestServerLocks.keepHeldOnly(env);
    env.start();

    RolloutRequest request =
        new RolloutRequest(
            d,
            Optional.empty(),
            7,
            100,
            false,
            false,
            "test",
            Duration.ofSeconds(30),
            // A new run every 2,000 events: the rollout spends about 1.5 a host (walks started by
            // its worker), so the default 4,000 would make only about 4 runs of 10,000 hosts.
            2000,
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
    assertEquals(HOSTS, contacted.size());
    assertTrue(contacted.values().stream().allMatch(n -> n == 1), "a host was claimed twice");
    int failed = HOSTS / 10;
    int unreachable = HOSTS / 20;
    assertEquals(failed, done.count(Outcome.FAILED));
    assertEquals(unreachable, done.count(Outcome.UNREACHABLE));
    assertEquals(HOSTS - failed - unreachable, done.count(Outcome.SUCCEEDED));
    assertEquals(failed + unreachable, done.failedTotal());
    assertTrue(done.runs() >= 5, "continued as new only " + done.runs() + " times");
    assertTrue(done.ended().startsWith("done: 8500 succeeded"), done.ended());

    // Every failed host once: on the pages the rollout kept, or in its last list.
    Set<String> listed = new HashSet<>(done.results().keySet());
    for (int i = 0; i < done.failedPages(); i++) {
      Page page = MockFleet.readPage(client, Pages.id(done.pages(), Pages.FAILED, i));
      assertEquals(Pages.RESULT_PAGE_SIZE, page.lines().size());
      page.lines().forEach(l -> assertTrue(listed.add(l.host()), "listed twice: " + l.host()));
      page.lines().forEach(l -> assertTrue(l.reason().contains("xxxx"), l.reason()));
    }
    assertEquals(failed + unreachable, listed.size());
  }
}

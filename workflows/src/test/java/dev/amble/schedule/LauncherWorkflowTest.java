package dev.amble.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.rollout.RolloutRequest;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The schedule's launcher: started, or skipped when the workspace has a rollout running. */
class LauncherWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(LauncherWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  static final String AMBLEFILE =
      """
      project: ops
      workspaces:
        fleet: { host_pattern: fleet, workflow: patch, sort_order: shuffle }
      workflows:
        patch: { jobs: [ { job: patch } ] }
      jobs:
        patch: { tasks: [ { ansible.builtin.ping: {} } ] }
      """;

  static ScheduledRollout rollout(boolean freshSeed) throws Exception {
    Definition d =
        AmblefileLoader.parse(Path.of("/virtual/Amblefile.yml"), "Amblefile.yml", AMBLEFILE)
            .definition("fleet");
    RolloutRequest request =
        new RolloutRequest(
            d,
            Optional.of("web*"),
            42,
            1,
            false,
            false,
            "schedule weekly",
            Duration.ofSeconds(30),
            RolloutRequest.DEFAULT_EVENTS_PER_RUN,
            false);
    return new ScheduledRollout("weekly", request, freshSeed, "q", "0 2 * * mon");
  }

  /** Records each call; answers started for the first, skipped (held by it) after. */
  static final class FakeLaunches {
    final List<Long> seeds = new ArrayList<>();

    LaunchActivities activities() {
      LaunchActivities a = mock(LaunchActivities.class, withSettings().withoutAnnotations());
      when(a.start(any(), anyLong()))
          .thenAnswer(
              call -> {
                seeds.add(call.getArgument(1));
                return seeds.size() == 1
                    ? Launch.started("amble/ops/fleet", "run-1")
                    : Launch.skipped("amble/ops/fleet", "run-1");
              });
      return a;
    }
  }

  static Launch launch(WorkflowClient client, Worker worker, ScheduledRollout r, String id) {
    LauncherWorkflow wf =
        client.newWorkflowStub(
            LauncherWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    return wf.launch(r);
  }

  @Test
  void startsThenSkipsWhileTheRolloutRuns(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    FakeLaunches fake = new FakeLaunches();
    worker.registerActivitiesImplementations(fake.activities());
    env.start();
    ScheduledRollout r = rollout(false);

    Launch first = launch(client, worker, r, r.launcherId() + "-1");
    Launch second = launch(client, worker, r, r.launcherId() + "-2");

    assertEquals("started run run-1", first.text());
    assertTrue(first.started());
    assertEquals("skipped: already running amble/ops/fleet (run run-1)", second.text());
    assertEquals(List.of(42L, 42L), fake.seeds, "--seed given: the same seed at every start");
    assertEquals("amble/@schedule/ops/fleet/weekly", r.launcherId());
    assertEquals("amble/@schedule/ops/weekly", ScheduledRollout.scheduleId("ops", "weekly"));
  }

  @Test
  void aFreshSeedEachStartWithoutSeed(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    FakeLaunches fake = new FakeLaunches();
    worker.registerActivitiesImplementations(fake.activities());
    env.start();
    ScheduledRollout r = rollout(true);
    launch(client, worker, r, "a");
    launch(client, worker, r, "b");
    assertEquals(2, fake.seeds.size());
    assertNotEquals(fake.seeds.get(0), fake.seeds.get(1), "a new seed at each start");
  }

  /**
   * Records {@code schedules-launcher-*.json} for ReplayTest: a start and a skip. Run on purpose:
   * {@code cd workflows && ../mvnw -o -q test -Dtest=LauncherWorkflowTest#record
   * -Damble.recordHistories=true}.
   */
  @Test
  @EnabledIfSystemProperty(named = "amble.recordHistories", matches = ".*")
  void record(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    FakeLaunches fake = new FakeLaunches();
    worker.registerActivitiesImplementations(fake.activities());
    env.start();
    ScheduledRollout r = rollout(true);
    for (String outcome : List.of("started", "skipped")) {
      String id = r.launcherId() + "-" + outcome;
      launch(client, worker, r, id);
      WorkflowExecutionHistory h = client.fetchHistory(id);
      assertEquals(
          EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, h.getLastEvent().getEventType());
      WorkflowReplayer.replayWorkflowExecution(h, LauncherWorkflowImpl.class);
      Files.writeString(
          Path.of("src/test/resources/histories/schedules-launcher-" + outcome + ".json"),
          h.toJson(true));
    }
  }
}

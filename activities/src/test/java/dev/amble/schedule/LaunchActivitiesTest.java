package dev.amble.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.ansible.Definitions;
import dev.amble.content.ContentArchive;
import dev.amble.content.ContentRef;
import dev.amble.content.ContentStore;
import dev.amble.content.ContentWorkflowImpl;
import dev.amble.rollout.RolloutInput;
import dev.amble.rollout.RolloutRequest;
import dev.amble.temporal.Executions;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.EncodedValues;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.workflow.DynamicWorkflow;
import io.temporal.workflow.Workflow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schedule's start, with a real client on the test server: the rollout starts under the
 * workspace's ID, a second start while it runs is a skip naming it, and each start keeps the
 * content.
 */
class LaunchActivitiesTest {
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(ContentWorkflowImpl.class)
          .setDoNotStart(true)
          .build();

  /** Stands in for a rollout: holds its ID until ended (the test server skips time meanwhile). */
  public static final class HoldsTheWorkspace implements DynamicWorkflow {
    @Override
    public Object execute(EncodedValues args) {
      Workflow.await(() -> false);
      return null;
    }
  }

  /** The test server, with a worker on the rollouts' task queue that holds each one started. */
  private static void start(TestWorkflowEnvironment env) {
    env.newWorker("rollouts").registerWorkflowImplementationTypes(HoldsTheWorkspace.class);
    env.start();
  }

  @TempDir Path dir;

  private ScheduledRollout rollout(WorkflowClient client, Worker worker, Instant now) {
    Definition d =
        Definitions.write(
            dir,
            "fleet",
            """
            project: ops
            workspaces:
              fleet: { host_pattern: fleet, workflow: patch }
            workflows:
              patch: { jobs: [ { job: patch } ] }
            jobs:
              patch: { tasks: [ { ansible.builtin.ping: {} } ] }
            """);
    ContentRef ref =
        new ContentStore(client, worker.getTaskQueue())
            .put(ContentArchive.pack(dir), Optional.empty(), now);
    RolloutRequest request =
        new RolloutRequest(
            d.withContent(ref),
            Optional.empty(),
            7,
            1,
            false,
            false,
            "schedule nightly",
            Duration.ofSeconds(30),
            RolloutRequest.DEFAULT_EVENTS_PER_RUN,
            false);
    return new ScheduledRollout("nightly", request, false, "rollouts", "@daily");
  }

  @Test
  void startsThenSkipsWhileTheWorkspaceHasARolloutRunning(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env);
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    ScheduledRollout r = rollout(client, worker, now);
    LaunchActivitiesImpl launches =
        new LaunchActivitiesImpl(client, Clock.fixed(now, ZoneOffset.UTC));

    Launch first = launches.start(r, 11);
    assertTrue(first.started(), first.text());
    assertEquals("amble/ops/fleet", first.workflowId());
    RolloutInput input =
        Executions.input(client, "amble/ops/fleet", RolloutInput.class).orElseThrow();
    assertEquals(11, input.request().seed(), "the launcher's seed");
    assertEquals("schedule nightly", input.request().startedBy());

    Launch second = launches.start(r, 12);
    assertFalse(second.started());
    assertEquals(
        "skipped: already running amble/ops/fleet (run " + first.runId() + ")", second.text());

    client.newUntypedWorkflowStub("amble/ops/fleet").terminate("done");
    Launch third = launches.start(r, 13);
    assertTrue(third.started(), "the workspace is free again: " + third.text());
  }

  @Test
  void aRolloutUnderTheIdBeforeProjectsHoldsTheWorkspace(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env);
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    ScheduledRollout r = rollout(client, worker, now);
    client
        .newUntypedWorkflowStub(
            "RolloutWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId("amble/fleet")
                .setTaskQueue("rollouts")
                .build())
        .start("old");
    Launch launch = new LaunchActivitiesImpl(client, Clock.systemUTC()).start(r, 1);
    assertFalse(launch.started(), launch.text());
    assertEquals("amble/fleet", launch.workflowId());
  }

  /** Content is kept 90 days after its last use: each start of the schedule is one. */
  @Test
  void eachStartKeepsTheContent(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env);
    Instant created = Instant.ofEpochMilli(env.currentTimeMillis());
    ScheduledRollout r = rollout(client, worker, created);
    ContentRef ref = r.request().definition().content().orElseThrow();
    env.sleep(Duration.ofDays(60));
    Instant fired = created.plus(Duration.ofDays(60));
    assertTrue(
        new LaunchActivitiesImpl(client, Clock.fixed(fired, ZoneOffset.UTC)).start(r, 1).started());
    env.sleep(Duration.ofDays(60));
    assertEquals(
        WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        Executions.describe(client, ref.chunkId(0))
            .orElseThrow()
            .getWorkflowExecutionInfo()
            .getStatus(),
        "kept 90 days after the schedule's last start, not after its creation");
  }
}

package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.rollout.RolloutInput;
import dev.amble.rollout.RolloutRequest;
import dev.amble.rollout.RolloutStatus;
import dev.amble.rollout.RolloutWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout's workflow ID {@code amble/PROJECT/WORKSPACE} is the mutex: two projects' workspaces
 * of one name run at once, the same project from two checkouts does not; a rollout started under
 * the ID before projects, {@code amble/WORKSPACE}, is found by status, catch, release and cancel,
 * and holds the workspace until it ends. Real rollout and host workflows over fake activities
 * (FakeFleetWorker): no Ansible runs.
 */
class ProjectIdsCliTest {
  @TempDir Path dir;

  static final String AMBLEFILE =
      """
      workspaces:
        fleet: { host_pattern: fleet, workflow: patch, inventory: inventory.yml, concurrency: 1, sort_order: ascending }
      workflows:
        patch:
          jobs: [ { job: patch } ]
      jobs:
        patch:
          become: false
          tasks: [ { ansible.builtin.ping: {} } ]
      """;

  /** A checkout of a project: its own folder with the Amblefile, {@code project:} first if any. */
  private Path checkout(String name, Optional<String> project) throws IOException {
    Path folder = Files.createDirectories(dir.resolve(name));
    TemporalTroubleCliTest.amblefile(
        folder, project.map(p -> "project: " + p + "\n").orElse("") + AMBLEFILE);
    return folder;
  }

  @Test
  void twoProjectsRunTheirWorkspaceOfOneNameAtOnce() throws Exception {
    Path shop = checkout("shop", Optional.of("shop"));
    Path blog = checkout("blog", Optional.of("blog"));
    try (FakeFleetWorker fleet = new FakeFleetWorker(List.of("h01"), List.of(), 2)) {
      Map<String, String> env = fleet.temporal.env();
      CompletableFuture<CliRun> first =
          CompletableFuture.supplyAsync(() -> CliRun.run(shop, env, "run"));
      CompletableFuture<CliRun> second =
          CompletableFuture.supplyAsync(() -> CliRun.run(blog, env, "run"));
      assertTrue(
          fleet.jobsStarted.await(60, TimeUnit.SECONDS),
          "both rollouts did not walk at once: "
              + (first.isDone() ? first.join() : "")
              + (second.isDone() ? second.join() : ""));
      fleet.go.countDown();
      CliRun shopRun = first.get(60, TimeUnit.SECONDS);
      CliRun blogRun = second.get(60, TimeUnit.SECONDS);
      assertEquals(0, shopRun.code(), shopRun.toString());
      assertEquals(0, blogRun.code(), blogRun.toString());
      assertTrue(shopRun.out().contains("workflow ID amble/shop/fleet, run "), shopRun.out());
      assertTrue(blogRun.out().contains("workflow ID amble/blog/fleet, run "), blogRun.out());
      // The host activities are told the project: it keys the host's lock and records.
      assertEquals(
          List.of("blog/fleet/h01", "shop/fleet/h01"),
          fleet.preparedAs.stream().sorted().toList(),
          fleet.preparedAs.toString());

      CliRun host = CliRun.run(blog, env, "status", "--host", "h01");
      assertEquals(0, host.code(), host.toString());
      assertTrue(host.out().contains("\n  walk amble/blog/fleet/h01 (run "), host.out());
    }
  }

  @Test
  void theSameProjectFromTwoCheckoutsSharesTheMutex() throws Exception {
    Path one = checkout("one", Optional.of("shop"));
    Path two = checkout("two", Optional.of("shop"));
    try (FakeFleetWorker fleet = new FakeFleetWorker(List.of("h01"), List.of(), 1)) {
      Map<String, String> env = fleet.temporal.env();
      CompletableFuture<CliRun> first =
          CompletableFuture.supplyAsync(() -> CliRun.run(one, env, "run"));
      assertTrue(
          fleet.jobsStarted.await(60, TimeUnit.SECONDS),
          "the first rollout never walked: " + (first.isDone() ? first.join() : ""));

      CliRun second = CliRun.run(two, env, "run");
      assertEquals(2, second.code(), second.toString());
      assertTrue(
          second
              .err()
              .startsWith(
                  "amble: workspace fleet already has a rollout running: amble/shop/fleet (run "),
          second.err());

      CliRun status = CliRun.run(two, env, "status");
      assertEquals(0, status.code(), status.toString());
      assertEquals("", status.err());

      fleet.go.countDown();
      CliRun done = first.get(60, TimeUnit.SECONDS);
      assertEquals(0, done.code(), done.toString());
    }
  }

  /**
   * A rollout an older amble started, under {@code amble/fleet}: status, status --host, catch,
   * release and cancel act on it and say which ID it has; a run is refused while it runs.
   */
  @Test
  void aRolloutUnderTheOldIdIsFoundAndHoldsTheWorkspace() throws Exception {
    Path folder = checkout("old", Optional.empty());
    try (FakeFleetWorker fleet = new FakeFleetWorker(List.of("h01", "h02"), List.of(), 1)) {
      Map<String, String> env = fleet.temporal.env();
      Definition d =
          AmblefileLoader.load(folder.resolve("Amblefile.yml"), "Amblefile.yml")
              .definition("fleet");
      RolloutWorkflow old =
          fleet.client.newWorkflowStub(
              RolloutWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId("amble/fleet")
                  .setTaskQueue("amble")
                  .build());
      WorkflowClient.start(
          old::run,
          RolloutInput.start(
              new RolloutRequest(
                  d,
                  Optional.empty(),
                  1,
                  1,
                  false,
                  false,
                  "old@amble",
                  Duration.ofSeconds(30),
                  RolloutRequest.DEFAULT_EVENTS_PER_RUN,
                  false)));
      assertTrue(fleet.jobsStarted.await(60, TimeUnit.SECONDS), "the old rollout never walked");
      String note =
          "amble: the rollout of workspace fleet is amble/fleet, under the ID rollouts had before"
              + " projects (a new one starts as amble/default/fleet).\n";

      CliRun run = CliRun.run(folder, env, "run");
      assertEquals(2, run.code(), run.toString());
      assertTrue(
          run.err()
              .startsWith(
                  "amble: workspace fleet already has a rollout running: amble/fleet (run "),
          run.err());

      CliRun status = CliRun.run(folder, env, "status");
      assertEquals(0, status.code(), status.toString());
      assertEquals(note, status.err());
      assertTrue(status.out().startsWith("Rollout of workspace fleet "), status.out());

      CliRun host = CliRun.run(folder, env, "status", "--host", "h01");
      assertTrue(host.out().contains("\n  walk amble/fleet/h01 (run "), host.toString());

      CliRun caught = CliRun.run(folder, env, "catch", "-r", "look first");
      assertEquals(0, caught.code(), caught.toString());
      assertEquals(note, caught.err());
      assertTrue(caught.out().startsWith("Caught rollout of fleet"), caught.out());

      CliRun released = CliRun.run(folder, env, "release");
      assertEquals(0, released.code(), released.toString());
      assertEquals(note, released.err());

      CliRun cancel = CliRun.run(folder, env, "cancel", "-r", "moving to projects");
      assertEquals(0, cancel.code(), cancel.toString());
      assertEquals(note, cancel.err());
      assertTrue(cancel.out().startsWith("Cancelling the rollout of fleet"), cancel.out());

      fleet.go.countDown();
      RolloutStatus ended = WorkflowStub.fromTyped(old).getResult(RolloutStatus.class);
      assertEquals("cancelled", ended.phase());

      // Once it has ended, a run starts under the new ID; status finds that one.
      CompletableFuture<CliRun> again =
          CompletableFuture.supplyAsync(() -> CliRun.run(folder, env, "run"));
      CliRun rerun = again.get(60, TimeUnit.SECONDS);
      assertTrue(rerun.out().contains("workflow ID amble/default/fleet, run "), rerun.toString());
      CliRun after = CliRun.run(folder, env, "status");
      assertEquals("", after.err());
    }
  }

  /**
   * {@code amble/PROJECT/WORKSPACE} has the form of an old host walk's ID (workspace PROJECT, host
   * WORKSPACE): such a walk is not taken for the rollout.
   */
  @Test
  void anOldHostWalkIsNotTakenForARollout() throws Exception {
    Path folder = checkout("web", Optional.of("web"));
    try (FakeFleetWorker fleet = new FakeFleetWorker(List.of("h01"), List.of(), 1)) {
      Map<String, String> env = fleet.temporal.env();
      // No worker polls this queue: the walk stays running.
      fleet
          .client
          .newUntypedWorkflowStub(
              "HostWorkflow",
              WorkflowOptions.newBuilder()
                  .setWorkflowId("amble/web/fleet")
                  .setTaskQueue("nobody")
                  .build())
          .start();

      CliRun status = CliRun.run(folder, env, "status");
      assertEquals(2, status.code(), status.toString());
      assertEquals(
          "amble: workspace fleet has no rollout (`amble run -w fleet` starts one)\n",
          status.err());

      CliRun run = CliRun.run(folder, env, "run");
      assertEquals(2, run.code(), run.toString());
      assertTrue(
          run.err()
              .startsWith(
                  "amble: workflow ID amble/web/fleet is taken by a running workflow that is not a"
                      + " rollout"),
          run.err());
    }
  }
}

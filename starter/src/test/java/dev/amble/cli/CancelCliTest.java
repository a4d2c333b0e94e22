package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.cli.common.Identity;
import dev.amble.host.HostOutcome;
import dev.amble.rollout.RolloutStatus;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.CanceledFailure;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble cancel} against amble's real rollout and host workflows (over fake activities whose
 * jobs wait for the test): a graceful cancel lets the hosts in flight finish and ends the rollout
 * {@code cancelled}; {@code --now} stops the jobs in flight, runs their exit jobs and closes the
 * rollout as Cancelled; {@code amble run}'s follow exits 1 either way; {@code status --host} shows
 * a host's steps.
 */
class CancelCliTest {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();

  static final String AMBLEFILE =
      """
      workspaces:
        fleet: { host_pattern: fleet, workflow: patch, inventory: inventory.yml, concurrency: 2, sort_order: ascending }
      workflows:
        patch:
          jobs: [ { job: patch } ]
          exit_jobs: [ { job: cleanup } ]
      jobs:
        patch:
          become: false
          # Not `true`: the walks prepare, and `status --host` shows that step too.
          preconditions: "!has(vars.skip_me)"
          tasks: [ { ansible.builtin.ping: {} } ]
        cleanup:
          become: false
          tasks: [ { ansible.builtin.ping: {} } ]
      """;

  @BeforeEach
  void amblefile() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, AMBLEFILE);
  }

  @Test
  void aGracefulCancelLetsTheHostsInFlightFinishAndEndsTheRolloutCancelled() throws Exception {
    try (FakeFleetWorker fleet =
        new FakeFleetWorker(List.of("h01", "h02", "h03", "h04"), List.of("h05"), 2)) {
      Map<String, String> env = fleet.temporal.env();
      CompletableFuture<CliRun> run =
          CompletableFuture.supplyAsync(
              () -> CliRun.run(dir, env, "run", "--heartbeat-timeout", "2"));
      assertTrue(
          fleet.jobsStarted.await(60, TimeUnit.SECONDS),
          "the first two jobs never started: " + (run.isDone() ? run.join() : ""));

      CliRun cancel = CliRun.run(dir, env, "cancel", "-r", "the window closed");
      assertEquals(0, cancel.code(), cancel.toString());
      assertEquals(
          "Cancelling the rollout of fleet: no new host starts; 2 hosts in flight finish their walk (h01, h02),"
              + " then it ends cancelled.\n"
              + "`amble status -w fleet` shows when it has ended; `amble cancel --now -w fleet` stops the jobs in flight.\n",
          cancel.out());

      fleet.go.countDown();
      CliRun followed = run.get(60, TimeUnit.SECONDS);
      assertEquals(1, followed.code(), followed.toString());
      assertTrue(followed.out().contains("Cancelled: 2 succeeded, 1 skipped, in "), followed.out());
      assertTrue(
          followed
              .out()
              .contains("\n  cancelled by " + Identity.operator() + ": the window closed\n"),
          followed.out());
      assertEquals(
          List.of("h01", "h02"),
          fleet.prepared.stream().sorted().toList(),
          "no new host started after the cancel");
      assertEquals(
          List.of("h01:cleanup", "h02:cleanup"), fleet.exitJobs.stream().sorted().toList());

      RolloutStatus result =
          fleet.client.newUntypedWorkflowStub("amble/default/fleet").getResult(RolloutStatus.class);
      assertEquals("cancelled", result.phase());

      CliRun status = CliRun.run(dir, env, "status");
      assertEquals(1, status.code(), status.toString());
      assertTrue(
          status
              .out()
              .startsWith(
                  "Rollout of workspace fleet (workflow patch), started by "
                      + Identity.operator()
                      + ": cancelled\n"
                      + "  ended: cancelled by "
                      + Identity.operator()
                      + ": the window closed\n"
                      + "  5 hosts: 2 succeeded, 1 skipped; 2 not walked\n"),
          status.out());
      assertTrue(status.out().contains("  rollout " + result.rollout() + ", seed "), status.out());
      assertTrue(
          status
              .out()
              .matches(
                  "(?s).*\\n  \\S+  cancel +by "
                      + java.util.regex.Pattern.quote(Identity.operator())
                      + ": the window closed\\n.*"),
          status.out());

      CliRun again = CliRun.run(dir, env, "cancel");
      assertEquals(2, again.code(), again.toString());
      assertEquals(
          "amble: the last rollout of workspace fleet is not running (completed)\n", again.err());

      hostWalks(fleet, env);
    }
  }

  /** {@code status --host}: a walked host's steps, a host the plan skipped, a host never walked. */
  private void hostWalks(FakeFleetWorker fleet, Map<String, String> env) throws Exception {
    CliRun h01 = CliRun.run(dir, env, "status", "--host", "h01");
    assertEquals(0, h01.code(), h01.toString());
    List<String> lines = h01.out().lines().toList();
    assertEquals("Host h01 of workspace fleet: succeeded", lines.get(0), h01.out());
    assertTrue(lines.get(1).startsWith("  walk amble/default/fleet/h01 (run "), h01.out());
    assertTrue(lines.get(1).contains(", wave 1, started "), h01.out());
    assertTrue(lines.get(2).matches("  step +started +took +worker +result"), h01.out());
    String when = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +\\d+\\.\\ds";
    String by = " +" + java.util.regex.Pattern.quote(FakeFleetWorker.IDENTITY) + " +";
    assertTrue(lines.get(3).matches("  prepare +" + when + by + "ok"), lines.get(3));
    assertTrue(lines.get(4).matches("  job patch +" + when + by + "ok, 2 changed"), lines.get(4));
    assertTrue(lines.get(5).matches("  exit job cleanup +" + when + by + "ok"), lines.get(5));
    assertEquals(6, lines.size(), h01.out()); // the exit job, the last run, finished the host

    CliRun json = CliRun.run(dir, env, "status", "--host", "h02", "--output", "json");
    assertEquals(0, json.code(), json.toString());
    JsonNode walk = JSON.readTree(json.out());
    assertEquals("succeeded", walk.path("outcome").asText());
    assertEquals(
        List.of("prepare", "job patch", "exit job cleanup"),
        walk.path("steps").findValuesAsText("name"));
    assertEquals(FakeFleetWorker.IDENTITY, walk.at("/steps/1/worker").asText());
    assertEquals("RunStep", walk.at("/steps/1/activity").asText());
    assertTrue(walk.at("/steps/1/tookMillis").asLong(-1) >= 0, walk.toString());

    CliRun skipped = CliRun.run(dir, env, "status", "--host", "h05");
    assertEquals(0, skipped.code(), skipped.toString());
    assertTrue(
        skipped
            .out()
            .matches(
                "Host h05 of workspace fleet: not walked: the plan of rollout \\S+ skipped it: job patch: facts.os is not set\n"),
        skipped.out());

    CliRun never = CliRun.run(dir, env, "status", "--host", "h03");
    assertEquals(2, never.code(), never.toString());
    assertEquals(
        "amble: host h03 has no walk in workspace fleet (no workflow amble/default/fleet/h03); the latest rollout did not"
            + " walk it, nor did its plan skip it\n",
        never.err());
  }

  @Test
  void cancelNowStopsTheJobsInFlightRunsTheirExitJobsAndClosesTheRolloutCancelled()
      throws Exception {
    try (FakeFleetWorker fleet = new FakeFleetWorker(List.of("h01", "h02", "h03"), List.of(), 2)) {
      Map<String, String> env = fleet.temporal.env();
      CompletableFuture<CliRun> run = runUntilTwoJobsRun(fleet, env);

      CliRun cancel = CliRun.run(dir, env, "cancel", "--now", "-r", "roll back");
      assertEquals(0, cancel.code(), cancel.toString());
      assertEquals(
          "Cancellation of the rollout of fleet requested: the jobs in flight on h01, h02 are stopped and their"
              + " exit jobs run, then it closes as Cancelled.\n",
          cancel.out());

      CliRun followed = run.get(60, TimeUnit.SECONDS);
      assertEquals(1, followed.code(), followed.toString());
      assertTrue(followed.out().contains("Cancelled: 2 cancelled, in "), followed.out());
      assertTrue(
          followed
              .out()
              .contains(
                  "\n  cancelled by "
                      + Identity.operator()
                      + ": roll back (now: the jobs in flight were stopped, their exit jobs ran)\n"),
          followed.out());
      assertEquals(
          List.of("h01:cleanup", "h02:cleanup"), fleet.exitJobs.stream().sorted().toList());
      assertEquals(List.of("h01", "h02"), fleet.prepared.stream().sorted().toList());

      CliRun status = CliRun.run(dir, env, "status");
      assertEquals(1, status.code(), status.toString());
      assertTrue(
          status
              .out()
              .startsWith(
                  "Rollout of workspace fleet (workflow patch), started by "
                      + Identity.operator()
                      + ": cancelled\n"
                      + "  ended: cancelled by "
                      + Identity.operator()
                      + ": roll back (now: "),
          status.out());
      assertTrue(status.out().contains("Failed hosts, oldest first (1-2 of 2):\n"), status.out());
      assertTrue(
          status.out().matches("(?s).*\\n  h01 +cancelled +walk cancelled: its exit jobs ran\\n.*"),
          status.out());

      CliRun h01 = CliRun.run(dir, env, "status", "--host", "h01");
      assertEquals(1, h01.code(), h01.toString());
      assertTrue(h01.out().startsWith("Host h01 of workspace fleet: cancelled\n"), h01.out());
      assertTrue(
          h01.out().matches("(?s).*\\n  job patch +\\S+ +\\S+ +\\S+ +cancelled\\n.*"), h01.out());
      assertTrue(
          h01.out().matches("(?s).*\\n  exit job cleanup +\\S+ +\\S+ +\\S+ +ok\\n.*"), h01.out());
    }
  }

  /**
   * {@code --force} terminates the rollout, which ends none of its host walks (they outlive the run
   * that started them): the CLI asks each walk in flight to cancel, and each runs its exit job.
   */
  @Test
  void cancelForceTerminatesTheRolloutAndCancelsItsWalksInFlight() throws Exception {
    try (FakeFleetWorker fleet = new FakeFleetWorker(List.of("h01", "h02", "h03"), List.of(), 2)) {
      Map<String, String> env = fleet.temporal.env();
      CompletableFuture<CliRun> run = runUntilTwoJobsRun(fleet, env);

      CliRun cancel = CliRun.run(dir, env, "cancel", "--force", "-r", "stuck");
      assertEquals(0, cancel.code(), cancel.toString());
      assertTrue(
          cancel
              .out()
              .contains(
                  "Asked its walks in flight to cancel (h01, h02): a worker that takes them stops"
                      + " their jobs and runs their exit jobs.\n"),
          cancel.out());
      for (String host : List.of("h01", "h02")) {
        WorkflowFailedException closed =
            assertThrows(
                WorkflowFailedException.class,
                () ->
                    fleet
                        .client
                        .newUntypedWorkflowStub("amble/default/fleet/" + host)
                        .getResult(60, TimeUnit.SECONDS, HostOutcome.class));
        assertInstanceOf(CanceledFailure.class, closed.getCause(), host);
      }
      assertEquals(
          List.of("h01:cleanup", "h02:cleanup"), fleet.exitJobs.stream().sorted().toList());
      assertEquals(List.of("h01", "h02"), fleet.prepared.stream().sorted().toList());
      run.get(60, TimeUnit.SECONDS);
    }
  }

  /** {@code amble run} in the background, once the first two jobs wait in flight. */
  private CompletableFuture<CliRun> runUntilTwoJobsRun(
      FakeFleetWorker fleet, Map<String, String> env) throws InterruptedException {
    CompletableFuture<CliRun> run =
        CompletableFuture.supplyAsync(
            () -> CliRun.run(dir, env, "run", "--heartbeat-timeout", "2"));
    assertTrue(
        fleet.jobsStarted.await(60, TimeUnit.SECONDS),
        "the first two jobs never started: " + (run.isDone() ? run.join() : ""));
    return run;
  }

  @Test
  void aWorkspaceWithNoRolloutHasNothingToCancel() {
    try (TestTemporal temporal = TestTemporal.start()) {
      CliRun cancel = CliRun.run(dir, temporal.env(), "cancel", "-r", "nothing runs");
      assertEquals(2, cancel.code(), cancel.toString());
      assertEquals(
          "amble: workspace fleet has no rollout (`amble run -w fleet` starts one)\n",
          cancel.err());
      assertEquals("", cancel.out());

      CliRun both = CliRun.run(dir, temporal.env(), "cancel", "--now", "--force");
      assertEquals(2, both.code(), both.toString());
      assertEquals("amble: --now and --force do not go together: choose one\n", both.err());
    }
  }
}

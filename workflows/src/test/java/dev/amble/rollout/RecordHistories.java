package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.SortOrder;
import dev.amble.health.HealthCheckAnswer;
import dev.amble.health.HealthCheckResult;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.host.Outcome;
import dev.amble.host.Preparation;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.plan.HostOrder;
import dev.amble.precondition.Verdict;
import dev.amble.state.RemoteState;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records replay histories ({@code v1-*.json}) from today's rollout and host workflows, run on the
 * test server with the mocked activities of the other workflow tests, for ReplayTest to hold later
 * versions of the workflow code to: a shuffle with a host the plan skipped, a rollout that
 * continues as new mid-walk (and the input its second run carried), health checks, a catch by a
 * failing host released by signal, and a dry run. Each scenario writes its rollout's history and
 * the histories of a host or two. Run on purpose only, from the repository's root:
 *
 * <pre>./mvnw -pl workflows test -Dtest=RecordHistories -Damble.recordHistories=true</pre>
 */
@EnabledIfSystemProperty(named = "amble.recordHistories", matches = ".*")
class RecordHistories {
  @RegisterExtension
  static final TestWorkflowExtension ENV =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(
              RolloutWorkflowImpl.class,
              HostWorkflowImpl.class,
              dev.amble.pages.PageWorkflowImpl.class,
              dev.amble.content.ContentWorkflowImpl.class,
              dev.amble.notify.NotifierWorkflowImpl.class)
          .setActivityImplementations(
              new WalkEndsBySignal(), new dev.amble.host.WalkStartActivitiesImpl())
          .setDoNotStart(true)
          .build();

  static final Path HISTORIES = ReplayTest.HISTORIES;

  /**
   * The engine whose histories this records: {@code v1} was amble's first engine (now {@link
   * LegacyRollout}, replayed for histories without a version marker), {@code v2} the paged one.
   * Histories of an older engine are never re-recorded: they are what running rollouts replay.
   */
  static final String VERSION = "v2";

  static final Path CARRIED = Path.of("src/test/resources/carried");

  /**
   * Seven hosts, six walked in the seeded shuffle's order; h07 skipped by the plan, h04 by its
   * preconditions.
   */
  @Test
  void shuffle(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    List<String> walked = StrategyWorkflowTest.hosts(6);
    // The planner shuffles; the rollout walks the plan's order as given.
    List<String> order = HostOrder.sort(walked, SortOrder.SHUFFLE, 20261128);
    MockFleet fleet =
        new MockFleet(
            order,
            List.of(
                new RolloutPlan.Skipped(
                    "job upgrade: int(facts.ansible_distribution_major_version) < options.target_version is false",
                    List.of("h07"))));
    fleet.prepare(
        h ->
            h.equals("h04")
                ? new Preparation(
                    MockFleet.OK,
                    List.of(
                        Verdict.HOLDS,
                        Verdict.fails("int(...) < 12 is false"),
                        Verdict.HOLDS,
                        Verdict.HOLDS),
                    RemoteState.NONE)
                : new Preparation(MockFleet.OK, MockFleet.holds(4), RemoteState.NONE));
    RolloutWorkflow wf =
        start(
            env,
            worker,
            client,
            fleet,
            TestDefinitions.request(TestDefinitions.upgrade("shuffle", 1), 20261128));
    RolloutStatus done = result(wf);

    assertEquals("done", done.phase());
    assertFalse(order.equals(walked), "the shuffle left the hosts in order");
    assertEquals(order, fleet.prepared);
    assertEquals(7, done.total());
    assertEquals(5, done.count(Outcome.SUCCEEDED));
    assertEquals(2, done.count(Outcome.SKIPPED));
    assertFalse(fleet.prepared.contains("h07"));

    clear("shuffle");
    WorkflowExecutionHistory rollout =
        save(client, execution(wf), VERSION + "-shuffle-rollout.json");
    saveHost(client, rollout, order.get(0), VERSION + "-shuffle-host-" + order.get(0) + ".json");
    saveHost(client, rollout, "h04", VERSION + "-shuffle-host-h04.json");
  }

  /**
   * Eight hosts, two at a time, with 40 events a run: the first run continues as new mid-walk (once
   * the window has drained, about five hosts in), the second goes on from the carried state (to the
   * end, as a rule: how many events a run takes varies a little with the window's timing).
   */
  @Test
  void continueAsNew(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(8));
    RolloutRequest request =
        with(TestDefinitions.request(TestDefinitions.upgrade("ascending", 2), 1), false, 40);
    RolloutWorkflow wf = start(env, worker, client, fleet, request);
    RolloutStatus done = result(wf);
    assertEquals("done", done.phase());
    assertEquals(8, done.count(Outcome.SUCCEEDED));
    assertTrue(done.runs() >= 1, "never continued as new");
    assertEquals(
        StrategyWorkflowTest.hosts(8),
        fleet.prepared.stream().sorted().toList(),
        "a host was walked twice");

    clear("continue-as-new");
    WorkflowExecution first = execution(wf);
    WorkflowExecutionHistory run1 =
        save(client, first, VERSION + "-continue-as-new-rollout-run1.json");
    HistoryEvent last = run1.getLastEvent();
    assertEquals(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, last.getEventType());
    WorkflowExecution second =
        WorkflowExecution.newBuilder()
            .setWorkflowId(first.getWorkflowId())
            .setRunId(
                last.getWorkflowExecutionContinuedAsNewEventAttributes().getNewExecutionRunId())
            .build();
    WorkflowExecutionHistory run2 =
        save(client, second, VERSION + "-continue-as-new-rollout-run2.json");
    List<WorkflowExecution> hosts1 = hostRuns(run1);
    List<WorkflowExecution> hosts2 = hostRuns(run2);
    assertFalse(hosts1.isEmpty() || hosts2.isEmpty(), "a run walked no host");
    saveHost(
        client, hosts1.get(0), VERSION + "-continue-as-new-host-" + host(hosts1.get(0)) + ".json");
    saveHost(
        client, hosts2.get(0), VERSION + "-continue-as-new-host-" + host(hosts2.get(0)) + ".json");

    // The second run's input, as the default data converter wrote it: the carried state.
    Payload input =
        run2.getEvents()
            .get(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getInput()
            .getPayloads(0);
    assertEquals("json/plain", input.getMetadataOrThrow("encoding").toStringUtf8());
    RolloutInput carried =
        DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
            input, RolloutInput.class, RolloutInput.class);
    if (!VERSION.equals("v1")) {
      assertTrue(carried.state().isPresent(), "the second run carried nothing");
      assertEquals(1, carried.state().get().runs);
      Files.createDirectories(CARRIED);
      Files.write(CARRIED.resolve(VERSION + "-carried-input.json"), input.getData().toByteArray());
      return;
    }
    assertTrue(carried.carried().isPresent(), "the second run carried nothing");
    assertEquals(1, carried.carried().get().runs());
    assertFalse(carried.carried().get().results().isEmpty(), "continued before any host was done");
    assertFalse(
        carried.carried().get().queue().isEmpty() && carried.carried().get().waveQueue().isEmpty(),
        "continued after the walk");
    Files.createDirectories(CARRIED);
    Files.write(CARRIED.resolve(VERSION + "-carried-input.json"), input.getData().toByteArray());
  }

  /**
   * Five hosts in waves [1, 2] (1, 2, 2), two at a time, with host pre- and post-checks and wave
   * pre- and post-checks that pass, and a host post-check (on_failure: continue) that fails for
   * h03: recorded, and the rollout goes on.
   */
  @Test
  void healthChecks(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(5));
    fleet.healthChecks(
        r ->
            r.healthCheck().name().equals("latency") && r.host().orElse("").equals("h03")
                ? new HealthCheckAnswer(false, "p99 latency 870ms, over 500ms")
                : new HealthCheckAnswer(true, ""));
    Definition d =
        StrategyWorkflowTest.definition(
            2,
            """
            waves: [1, 2]
            pre_checks:
              host:
                - { name: lb-pool, hosts: lb, tasks: [ { ansible.builtin.ping: {} } ] }
              wave:
                - { name: capacity, http: "http://capacity/{wave}" }
            post_checks:
              host:
                - { name: health, http: "http://{host}:8080/health" }
                - { name: latency, http: "http://{host}:8080/latency", on_failure: continue }
              wave:
                - { name: errors, http: "http://metrics/errors?wave={wave}" }
            """);
    RolloutWorkflow wf = start(env, worker, client, fleet, TestDefinitions.request(d, 1));
    RolloutStatus done = result(wf);
    assertEquals("done", done.phase());
    assertEquals(5, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of(1, 2, 2), done.progress().waveSizes());
    assertTrue(done.steering().isEmpty(), "a check caught the rollout");
    assertEquals(
        List.of("latency"),
        done.progress().healthChecks().stream()
            .filter(g -> !g.passed())
            .map(HealthCheckResult::healthCheck)
            .toList());
    assertEquals(
        5 * 3 + 3 * 2, fleet.healthCheckRuns.size(), "checks run: " + fleet.healthCheckRuns);

    clear("health-checks");
    WorkflowExecutionHistory rollout =
        save(client, execution(wf), VERSION + "-health-checks-rollout.json");
    saveHost(client, rollout, "h01", VERSION + "-health-checks-host-h01.json");
    saveHost(client, rollout, "h03", VERSION + "-health-checks-host-h03.json");
  }

  /**
   * Four hosts, one at a time: h02's upgrade fails once, which catches the rollout (its exit job
   * runs, finish does not); the release signal walks h02 again, and the rollout finishes.
   */
  @Test
  void catchRelease(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(4));
    AtomicInteger upgradesOfH02 = new AtomicInteger();
    fleet.job(
        r ->
            r.target().host().equals("h02")
                    && r.step().job().name().equals("upgrade")
                    && upgradesOfH02.incrementAndGet() == 1
                ? new RunResult(
                    RunStatus.FAILED,
                    "apt upgrade",
                    "ansible.builtin.apt",
                    "E: dpkg was interrupted",
                    0,
                    "/logs/h02.log")
                : MockFleet.OK);
    RolloutWorkflow wf =
        start(
            env,
            worker,
            client,
            fleet,
            TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1));
    RolloutStatus caught = RolloutWorkflowTest.awaitPhase(wf, "caught");
    assertEquals(List.of("h02"), caught.awaiting());
    assertEquals(SteeringKind.AUTO_CATCH, caught.steering().get(0).kind());
    wf.releaseSignal(ReleaseRequest.of(wf.status(), false, "alice@ops"));
    RolloutStatus done = result(wf);
    assertEquals("done", done.phase());
    assertEquals(4, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of("h01", "h02", "h02", "h03", "h04"), fleet.prepared);
    assertEquals(
        List.of("auto-catch", "release"), done.steering().stream().map(Steering::kind).toList());

    clear("catch-release");
    WorkflowExecutionHistory rollout =
        save(client, execution(wf), VERSION + "-catch-release-rollout.json");
    List<WorkflowExecution> h02 =
        hostRuns(rollout).stream().filter(e -> host(e).equals("h02")).toList();
    assertEquals(2, h02.size());
    saveHost(client, h02.get(0), VERSION + "-catch-release-host-h02-run1.json");
    saveHost(client, h02.get(1), VERSION + "-catch-release-host-h02-run2.json");
  }

  /**
   * Three hosts: h02 fails and catches the rollout (catch 1); a release naming no catch and one
   * naming another rollout arrive as signals and are dropped; the release of catch 1 walks h02
   * again, and the rollout finishes.
   */
  @Test
  void namedSteering(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(3));
    AtomicInteger upgradesOfH02 = new AtomicInteger();
    fleet.job(
        r ->
            r.target().host().equals("h02")
                    && r.step().job().name().equals("upgrade")
                    && upgradesOfH02.incrementAndGet() == 1
                ? new RunResult(RunStatus.FAILED, "apt upgrade", "ansible.builtin.apt", "", 0, "")
                : MockFleet.OK);
    RolloutWorkflow wf =
        start(
            env,
            worker,
            client,
            fleet,
            TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1));
    RolloutStatus caught = RolloutWorkflowTest.awaitPhase(wf, "caught");
    assertEquals(1, caught.caught().number());
    wf.releaseSignal(new ReleaseRequest(false, "mallory", "", 0));
    wf.releaseSignal(new ReleaseRequest(false, "mallory", "another-rollout", 1));
    wf.releaseSignal(ReleaseRequest.of(caught, false, "alice@ops"));
    RolloutStatus done = result(wf);
    assertEquals("done", done.phase());
    assertEquals(3, done.count(Outcome.SUCCEEDED));
    assertEquals(
        List.of("auto-catch", "release"), done.steering().stream().map(Steering::kind).toList());

    clear("named-steering");
    save(
        client,
        execution(wf),
        VERSION + "-named-steering-rollout.json",
        execution(wf).getWorkflowId());
  }

  /**
   * Three hosts, one at a time, with the check flag: every job with --check, no claim, no finish.
   */
  @Test
  void dryRun(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(3));
    RolloutRequest request =
        with(
            TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1),
            true,
            RolloutRequest.DEFAULT_EVENTS_PER_RUN);
    RolloutWorkflow wf = start(env, worker, client, fleet, request);
    RolloutStatus done = result(wf);
    assertEquals("done", done.phase());
    assertTrue(done.dryRun());
    assertEquals(3, done.count(Outcome.CHECKED));
    assertEquals(List.of(), fleet.finished);
    assertEquals(
        List.of("drain", "upgrade", "reboot", "uncordon"),
        fleet.jobsOf("h01"),
        "a dry run claimed");

    clear("dry-run");
    WorkflowExecutionHistory rollout =
        save(client, execution(wf), VERSION + "-dry-run-rollout.json");
    saveHost(client, rollout, "h01", VERSION + "-dry-run-host-h01.json");
  }

  /**
   * Two hosts, one at a time, whose walks finish in their last run (the exit job uncordon; h02's
   * exit job does not hold, so its reboot finishes it): no finishHost in either walk.
   */
  @Test
  void lastRunFinishes(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet =
        preparedWith(
            env,
            2,
            h ->
                h.equals("h02")
                    ? List.of(
                        Verdict.HOLDS, Verdict.HOLDS, Verdict.HOLDS, Verdict.fails("cordoned"))
                    : MockFleet.holds(4));
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    RolloutStatus done = result(wf);
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of("h01:uncordon", "h02:reboot"), fleet.finishedBy);
    saveWithHosts(client, wf, "last-run-finishes", "h01", "h02");
  }

  /**
   * Three hosts, one at a time, each walk preparing its host in a local activity
   * (HostWorkflowImpl's prepare-locally, issue 30): h02's preconditions hold for none of its jobs,
   * so it is skipped.
   */
  @Test
  void preparedLocally(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    threeHostsH02Skipped(env, worker, client, "prepared-locally", "h01", "h02");
  }

  /** Three hosts, one at a time, h02's preconditions holding for none of its jobs: saved. */
  static void threeHostsH02Skipped(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      String scenario,
      String... saved)
      throws Exception {
    MockFleet fleet =
        preparedWith(
            env,
            3,
            h ->
                h.equals("h02")
                    ? java.util.Collections.nCopies(4, Verdict.fails("not Debian"))
                    : MockFleet.holds(4));
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    RolloutStatus done = result(wf);
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(1, done.count(Outcome.SKIPPED));
    saveWithHosts(client, wf, scenario, saved);
  }

  /**
   * Two hosts, one at a time, whose rollout chose in each walk's input that it prepares locally (no
   * version marker in the walks), and gave each walk the part of the definition a walk reads.
   */
  @Test
  void rolloutChoosesPreparation(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = preparedWith(env, 2, h -> MockFleet.holds(4));
    RolloutWorkflow wf = startUpgrade(env, worker, client, fleet);
    assertEquals(2, result(wf).count(Outcome.SUCCEEDED));
    saveWithHosts(client, wf, "rollout-chooses-preparation", "h01", "h02");
  }

  /**
   * Three hosts, one at a time, whose walks the rollout's worker started (a local activity and the
   * timer before it; HostWalks' walks-started-by-worker): they report their ends by signal, and
   * h02's preconditions hold for none of its jobs.
   */
  @Test
  void walksStartedByWorker(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    threeHostsH02Skipped(env, worker, client, "walks-started-by-worker", "h01", "h02", "h03");
  }

  /**
   * Three hosts, one at a time, of an Amblefile with no precondition: the walks do not prepare
   * (HostInput's skipPreparation), their first run claims the host, and h02 does not answer that
   * claim (unreachable, which the workspace skips): its walk ends unreachable, no exit job run.
   */
  @Test
  void unpreparedWalks(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(3));
    fleet.testServerClock = env::currentTimeMillis;
    fleet.prepare(
        h ->
            h.equals("h02")
                ? new Preparation(
                    new RunResult(RunStatus.UNREACHABLE, "", "", "ssh: timed out", 0, "/l"),
                    List.of(),
                    RemoteState.NONE)
                : new Preparation(MockFleet.OK, MockFleet.holds(2), RemoteState.NONE));
    Definition d =
        dev.amble.amblefile.AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                """
                workspaces:
                  fleet: { host_pattern: fleet, workflow: patch, sort_order: ascending, unreachable: skip }
                workflows:
                  patch: { jobs: [ { job: patch } ], exit_jobs: [ { job: uncordon } ] }
                jobs:
                  patch: { tasks: [ { ansible.builtin.ping: {} } ] }
                  uncordon: { tasks: [ { ansible.builtin.ping: {} } ] }
                """)
            .definition("fleet");
    RolloutWorkflow wf = start(env, worker, client, fleet, TestDefinitions.request(d, 1));
    RolloutStatus done = result(wf);
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(1, done.count(Outcome.UNREACHABLE));
    assertEquals(
        List.of("h01:patch+claim", "h01:uncordon", "h02:patch+claim"), fleet.jobs.subList(0, 3));
    saveWithHosts(client, wf, "unprepared-walks", "h01", "h02");
  }

  /**
   * Three hosts, one at a time, whose walks ask their steps by reference (HostInput's
   * stepsByReference): each run's request names its job by its place in the walk's input. The job
   * has a precondition, so the walks prepare; h02's job fails, and its exit job still runs.
   */
  @Test
  void stepsByReference(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = preparedWith(env, 3, h -> MockFleet.holds(2));
    fleet.job(
        r ->
            r.target().host().equals("h02") && !r.step().exit()
                ? new RunResult(RunStatus.FAILED, "apt", "apt", "held broken packages", 1, "/l")
                : MockFleet.OK);
    Definition d =
        dev.amble.amblefile.AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                """
                workspaces:
                  fleet: { host_pattern: fleet, workflow: patch, sort_order: ascending, max_failures: 1 }
                workflows:
                  patch: { jobs: [ { job: patch } ], exit_jobs: [ { job: uncordon } ] }
                jobs:
                  patch:
                    preconditions: facts.ansible_os_family == "Debian"
                    tasks: [ { ansible.builtin.ping: {} } ]
                  uncordon: { tasks: [ { ansible.builtin.ping: {} } ] }
                """)
            .definition("fleet");
    RolloutWorkflow wf = start(env, worker, client, fleet, TestDefinitions.request(d, 1));
    RolloutStatus done = result(wf);
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(1, done.count(Outcome.FAILED));
    assertEquals(
        List.of("h01:patch+claim", "h01:uncordon", "h02:patch+claim", "h02:uncordon"),
        fleet.jobs.subList(0, 4));
    saveWithHosts(client, wf, "steps-by-reference", "h01", "h02");
  }

  /** {@code hosts} hosts, each prepared reachable, unlocked, with the verdicts {@code verdicts}. */
  static MockFleet preparedWith(
      TestWorkflowEnvironment env,
      int hosts,
      java.util.function.Function<String, List<Verdict>> verdicts) {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(hosts));
    fleet.testServerClock = env::currentTimeMillis;
    fleet.prepare(h -> new Preparation(MockFleet.OK, verdicts.apply(h), RemoteState.NONE));
    return fleet;
  }

  /** The upgrade workflow of {@link TestDefinitions}, ascending, one host at a time. */
  static RolloutWorkflow startUpgrade(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, MockFleet fleet) {
    return start(
        env,
        worker,
        client,
        fleet,
        TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1));
  }

  /** The scenario's rollout (with its workflow ID) and the walks of {@code hosts}. */
  static void saveWithHosts(
      WorkflowClient client, RolloutWorkflow wf, String scenario, String... hosts)
      throws IOException {
    clear(scenario);
    WorkflowExecutionHistory rollout =
        save(
            client,
            execution(wf),
            VERSION + "-" + scenario + "-rollout.json",
            execution(wf).getWorkflowId());
    for (String host : hosts) {
      saveHost(client, rollout, host, VERSION + "-" + scenario + "-host-" + host + ".json");
    }
  }

  /**
   * Three hosts, one at a time, of project acme: the rollout runs under {@code amble/acme/fleet}
   * and walks its hosts as {@code amble/acme/fleet/HOST}. Its history is saved with its workflow ID
   * (the test server leaves it out), as the host walks' IDs derive from it.
   */
  @Test
  void projectIds(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(3));
    Definition d =
        dev.amble.amblefile.AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                "project: acme\n" + TestDefinitions.UPGRADE.formatted("ascending", 1))
            .definition("fleet");
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    String id = RolloutRequest.workflowId("acme", "fleet");
    RolloutWorkflow wf =
        client.newWorkflowStub(
            RolloutWorkflow.class,
            io.temporal.client.WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowClient.start(wf::run, RolloutInput.start(TestDefinitions.request(d, 1)));
    RolloutStatus done = result(wf);
    assertEquals("done", done.phase());
    assertEquals(3, done.count(Outcome.SUCCEEDED));

    clear("project-ids");
    WorkflowExecutionHistory rollout =
        save(client, execution(wf), VERSION + "-project-ids-rollout.json", id);
    List<WorkflowExecution> hosts = hostRuns(rollout);
    assertEquals(
        List.of("amble/acme/fleet/h01", "amble/acme/fleet/h02", "amble/acme/fleet/h03"),
        hosts.stream().map(WorkflowExecution::getWorkflowId).toList());
    WorkflowExecutionHistory h01 =
        save(
            client,
            hosts.get(0),
            VERSION + "-project-ids-host-h01.json",
            hosts.get(0).getWorkflowId());
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, h01.getLastEvent().getEventType());
  }

  /**
   * A piece of content kept two days, then four more by a second use, closing after the last: its
   * history is the start, two timers and the signal between them.
   */
  @Test
  void content(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    env.start();
    java.time.Instant now = java.time.Instant.ofEpochMilli(env.currentTimeMillis());
    String id = dev.amble.content.ContentRef.chunkId("ab".repeat(32), 0);
    dev.amble.content.ContentWorkflow piece =
        client.newWorkflowStub(
            dev.amble.content.ContentWorkflow.class,
            io.temporal.client.WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowExecution e =
        WorkflowClient.start(
            piece::keep,
            new dev.amble.content.ContentChunk(
                "sha256:" + "ab".repeat(32),
                0,
                1,
                new byte[] {1, 2, 3},
                now.plus(java.time.Duration.ofDays(2)).toString()));
    env.sleep(java.time.Duration.ofDays(1));
    piece.keepUntil(now.plus(java.time.Duration.ofDays(5)).toString());
    env.sleep(java.time.Duration.ofDays(5));
    WorkflowStub.fromTyped(piece).getResult(Void.class);
    WorkflowExecutionHistory h = save(client, e, VERSION + "-content-piece.json", id);
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, h.getLastEvent().getEventType());
  }

  /**
   * One read of a log, as {@code amble logs} starts it on the task queue of the worker that holds
   * the log: the start, the activity that reads the piece, the piece.
   */
  @Test
  void logPiece(TestWorkflowEnvironment env, WorkflowClient client) throws Exception {
    String queue = dev.amble.logs.LogWorkflow.taskQueue("worker@machine:42");
    Worker logs = env.newWorker(queue);
    logs.registerWorkflowImplementationTypes(dev.amble.logs.LogWorkflowImpl.class);
    dev.amble.logs.LogActivities read =
        mock(dev.amble.logs.LogActivities.class, withSettings().withoutAnnotations());
    when(read.readLog(any()))
        .thenReturn(
            new dev.amble.logs.LogPiece(
                true, "/var/cache/amble/fleet/logs/h1/x.log", 0, 6, 6, "PLAY\n", ""));
    logs.registerActivitiesImplementations(read);
    env.start();
    String id = dev.amble.logs.LogWorkflow.ID_PREFIX + "recorded";
    dev.amble.logs.LogWorkflow stub =
        client.newWorkflowStub(
            dev.amble.logs.LogWorkflow.class,
            io.temporal.client.WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(queue)
                .build());
    WorkflowExecution e =
        WorkflowClient.start(
            stub::read,
            new dev.amble.logs.LogRequest(
                "fleet", "h1", "/var/cache/amble/fleet/logs/h1/x.log", "", 0, 0));
    assertEquals(
        "PLAY\n", WorkflowStub.fromTyped(stub).getResult(dev.amble.logs.LogPiece.class).text());
    save(client, e, VERSION + "-log-piece.json", id);
  }

  /** {@link #save(WorkflowClient, WorkflowExecution, String)}, the workflow ID written in. */
  static WorkflowExecutionHistory save(
      WorkflowClient client, WorkflowExecution e, String file, String workflowId)
      throws IOException {
    WorkflowExecutionHistory h = save(client, e, file);
    io.temporal.api.history.v1.History.Builder history = h.getHistory().toBuilder();
    HistoryEvent.Builder started = history.getEventsBuilder(0);
    started.getWorkflowExecutionStartedEventAttributesBuilder().setWorkflowId(workflowId);
    WorkflowExecutionHistory named = new WorkflowExecutionHistory(history.build(), workflowId);
    Files.writeString(HISTORIES.resolve(file), named.toJson(true));
    return named;
  }

  static RolloutWorkflow start(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      MockFleet fleet,
      RolloutRequest request) {
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutWorkflow wf = RolloutWorkflowTest.rollout(client, worker, "fleet");
    WorkflowClient.start(wf::run, RolloutInput.start(request));
    return wf;
  }

  static RolloutStatus result(RolloutWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
  }

  static RolloutRequest with(RolloutRequest r, boolean check, int eventsPerRun) {
    return new RolloutRequest(
        r.definition(),
        r.limit(),
        r.seed(),
        r.concurrency(),
        check,
        r.stompLocks(),
        r.startedBy(),
        r.heartbeatTimeout(),
        eventsPerRun,
        r.searchAttributes());
  }

  /** The rollout's first run. */
  static WorkflowExecution execution(RolloutWorkflow wf) {
    return WorkflowStub.fromTyped(wf).getExecution();
  }

  /** The host workflow runs a rollout's run started, in order. */
  static List<WorkflowExecution> hostRuns(WorkflowExecutionHistory rollout) {
    return rollout.getEvents().stream()
        .filter(e -> e.getEventType() == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED)
        .map(e -> e.getChildWorkflowExecutionStartedEventAttributes().getWorkflowExecution())
        .toList();
  }

  static String host(WorkflowExecution e) {
    return e.getWorkflowId().substring(e.getWorkflowId().lastIndexOf('/') + 1);
  }

  static void saveHost(
      WorkflowClient client, WorkflowExecutionHistory rollout, String host, String file)
      throws IOException {
    List<WorkflowExecution> runs =
        hostRuns(rollout).stream().filter(e -> host(e).equals(host)).toList();
    if (runs.isEmpty()) {
      // Started by the rollout's worker (no child workflows): the walk's latest run, by its ID.
      runs =
          List.of(
              WorkflowExecution.newBuilder()
                  .setWorkflowId(
                      RolloutRequest.hostWorkflowId(
                          rollout.getWorkflowExecution().getWorkflowId(), host))
                  .build());
    }
    assertEquals(1, runs.size(), "runs of host " + host);
    saveHost(client, runs.get(0), file);
  }

  static void saveHost(WorkflowClient client, WorkflowExecution e, String file) throws IOException {
    WorkflowExecutionHistory h = save(client, e, file);
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, h.getLastEvent().getEventType());
  }

  /**
   * Writes the history of a closed run (completed, continued as new, failed or cancelled), once it
   * has replayed against today's code.
   */
  static WorkflowExecutionHistory save(WorkflowClient client, WorkflowExecution e, String file)
      throws IOException {
    WorkflowExecutionHistory h = client.fetchHistory(e.getWorkflowId(), e.getRunId());
    EventType end = h.getLastEvent().getEventType();
    assertTrue(
        end == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED
            || end == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
            || end == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED
            || end == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED,
        file + " ends in " + end);
    assertEquals(
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, h.getEvents().get(0).getEventType());
    try {
      WorkflowReplayer.replayWorkflowExecution(
          h,
          RolloutWorkflowImpl.class,
          HostWorkflowImpl.class,
          dev.amble.content.ContentWorkflowImpl.class,
          dev.amble.logs.LogWorkflowImpl.class,
          dev.amble.notify.NotifierWorkflowImpl.class);
    } catch (Exception replay) {
      throw new AssertionError(file + " does not replay", replay);
    }
    Files.createDirectories(HISTORIES);
    Files.writeString(HISTORIES.resolve(file), h.toJson(true));
    return h;
  }

  /**
   * Four hosts, two at a time: a graceful cancel (the update, as amble cancel sends it) while h01
   * and h02 are in flight; they finish their walk, no other host starts, it ends cancelled.
   */
  @Test
  void cancel(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(4));
    java.util.concurrent.CountDownLatch inFlight = new java.util.concurrent.CountDownLatch(2);
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    fleet.upgradeHeldUntil(inFlight, cancelled);
    RolloutWorkflow wf =
        start(
            env,
            worker,
            client,
            fleet,
            TestDefinitions.request(TestDefinitions.upgrade("ascending", 2), 1));
    assertTrue(inFlight.await(30, java.util.concurrent.TimeUnit.SECONDS));
    wf.cancelRollout(new CancelRequest("window over", "bob@ops", false, ""));
    cancelled.countDown();
    RolloutStatus done = result(wf);
    assertEquals("cancelled", done.phase());
    assertEquals(2, done.count(Outcome.SUCCEEDED));

    clear("cancel");
    WorkflowExecutionHistory rollout =
        save(client, execution(wf), VERSION + "-cancel-rollout.json");
    saveHost(client, rollout, "h01", VERSION + "-cancel-host-h01.json");
  }

  /**
   * Twelve hosts, three at a time, 40 events a run: h01's walk runs while the eleven others walk
   * across continue-as-new; then it ends (its report reaches the last run) or, with {@code cancel},
   * Temporal's cancellation of the last run asks it to cancel. Every run is saved, and h01's walk.
   */
  void walksCrossRuns(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client, boolean cancel)
      throws Exception {
    List<String> hosts = StrategyWorkflowTest.hosts(12);
    MockFleet fleet = new MockFleet(hosts);
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch shortDone =
        new java.util.concurrent.CountDownLatch(hosts.size() - 1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    WalksAcrossRunsTest.holdTheLongHost(fleet, started, shortDone, release);
    RolloutWorkflow wf = start(env, worker, client, fleet, WalksAcrossRunsTest.request());
    assertTrue(shortDone.await(60, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(WalksAcrossRunsTest.awaitOnlyTheLongWalk(wf).runs() >= 1);
    String scenario = cancel ? "cancel-carried-walk" : "walks-cross-runs";
    if (cancel) {
      WorkflowStub.fromTyped(wf).cancel();
      StageCancellationTest.assertCancelled(wf);
    } else {
      release.countDown();
      assertEquals(hosts.size(), result(wf).count(Outcome.SUCCEEDED));
    }
    release.countDown();

    clear(scenario);
    WorkflowExecution run = execution(wf);
    for (int n = 1; ; n++) {
      WorkflowExecutionHistory h =
          save(
              client,
              run,
              VERSION + "-" + scenario + "-rollout-run" + n + ".json",
              run.getWorkflowId());
      if (h.getLastEvent().getEventType()
          != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW) {
        assertTrue(n > 1, "never continued as new");
        break;
      }
      run =
          WorkflowExecution.newBuilder()
              .setWorkflowId(run.getWorkflowId())
              .setRunId(
                  h.getLastEvent()
                      .getWorkflowExecutionContinuedAsNewEventAttributes()
                      .getNewExecutionRunId())
              .build();
    }
    WorkflowExecution h01 =
        WorkflowExecution.newBuilder()
            .setWorkflowId(RolloutRequest.hostWorkflowId(run.getWorkflowId(), "h01"))
            .build();
    try {
      client
          .newUntypedWorkflowStub(h01.getWorkflowId())
          .getResult(30, java.util.concurrent.TimeUnit.SECONDS, Object.class);
    } catch (io.temporal.client.WorkflowFailedException cancelled) {
      assertTrue(cancel, "h01's walk failed: " + cancelled);
    }
    save(client, h01, VERSION + "-" + scenario + "-host-h01.json");
  }

  @Test
  void walksCrossRuns(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    walksCrossRuns(env, worker, client, false);
  }

  @Test
  void cancelCarriedWalk(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    walksCrossRuns(env, worker, client, true);
  }

  /**
   * Cancelled by Temporal while planning (before its first workflow task): since the marker
   * planning-cancel it ends as from any other stage, its memo saying cancelled.
   */
  @Test
  void cancelWhilePlanning(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(2));
    worker.registerActivitiesImplementations(fleet.activities());
    RolloutWorkflow wf = RolloutWorkflowTest.rollout(client, worker, "fleet");
    WorkflowClient.start(
        wf::run,
        RolloutInput.start(TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1)));
    WorkflowStub.fromTyped(wf).cancel();
    env.start();
    StageCancellationTest.assertCancelled(wf);
    assertEquals("cancelled", wf.status().phase());

    clear("cancel-while-planning");
    save(client, execution(wf), VERSION + "-cancel-while-planning-rollout.json");
  }

  /**
   * Three hosts, one at a time, in a one-minute maintenance window every day (UTC) that opens an
   * hour after the start: the rollout waits for it; h01's job fails on the worker five times, so it
   * finishes after the window closed and h02 waits for the next day's; h02 is unreachable at first,
   * and its retry waits for the day after; h03 walks then.
   */
  @Test
  void windows(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    java.time.LocalTime from =
        java.time.LocalTime.ofInstant(
                java.time.Instant.ofEpochMilli(env.currentTimeMillis())
                    .plus(java.time.Duration.ofHours(1)),
                java.time.ZoneOffset.UTC)
            .truncatedTo(java.time.temporal.ChronoUnit.MINUTES);
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(3));
    AtomicInteger faults = new AtomicInteger();
    fleet.job(
        r -> {
          if (r.target().host().equals("h01") && faults.incrementAndGet() <= 5) {
            throw new IllegalStateException("worker fault");
          }
          return MockFleet.OK;
        });
    AtomicInteger h02 = new AtomicInteger();
    fleet.prepare(
        h ->
            h.equals("h02") && h02.incrementAndGet() == 1
                ? StrategyWorkflowTest.UNREACHABLE
                : new Preparation(MockFleet.OK, MockFleet.holds(1), RemoteState.NONE));
    Definition d =
        StrategyWorkflowTest.definition(
            1,
            """
            unreachable: retry
            unreachable_attempts: 1
            unreachable_backoff: 5m
            windows:
              time_zone: UTC
              allow:
                - { from: "%s", to: "%s" }
            """
                .formatted(from, from.plusMinutes(1)));
    RolloutWorkflow wf = start(env, worker, client, fleet, TestDefinitions.request(d, 1));
    RolloutStatus done = result(wf);
    assertEquals(3, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of("h01", "h02", "h02", "h03"), fleet.prepared);

    clear("windows");
    WorkflowExecutionHistory rollout =
        save(
            client,
            execution(wf),
            VERSION + "-windows-rollout.json",
            execution(wf).getWorkflowId());
    saveHost(client, rollout, "h01", VERSION + "-windows-host-h01.json");
    saveHost(client, rollout, "h02", VERSION + "-windows-host-h02.json");
  }

  /**
   * Three hosts in waves of one and two, notifying a webhook (every event) and Slack (caught and
   * done): h02's job fails, the rollout catches itself, a release skips h02, it ends done. The
   * webhook takes every delivery; Slack refuses for good, so its deliveries give up. The notifier
   * ends after a week idle; its history is recorded too.
   */
  @Test
  void notify(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(3));
    fleet.job(r -> r.target().host().equals("h02") ? StrategyWorkflowTest.FAILED : MockFleet.OK);
    dev.amble.notify.NotifierClient notifiers =
        new dev.amble.notify.NotifierClient(
            client, worker.getTaskQueue(), java.time.Duration.ofMinutes(2));
    dev.amble.notify.NoticeActivities hand = notifiers::hand;
    dev.amble.notify.DeliveryActivities deliver =
        d -> {
          if (d.notification().target() instanceof dev.amble.amblefile.Notification.Slack) {
            throw io.temporal.failure.ApplicationFailure.newNonRetryableFailure(
                "Slack answered 404", "Refused");
          }
        };
    worker.registerActivitiesImplementations(hand);
    env.newWorker(dev.amble.notify.NotifierWorkflow.deliveryQueue(worker.getTaskQueue()))
        .registerActivitiesImplementations(deliver);
    Definition d =
        StrategyWorkflowTest.definition(
            1,
            """
            waves: [1, 2]
            notify:
              - webhook: { url: "https://hooks.example.net/amble", secret_env: AMBLE_NOTIFY_HOOK_SECRET }
              - slack: { webhook_url_env: AMBLE_NOTIFY_SLACK_URL }
                events: [caught, done]
                include_output: true
            """);
    RolloutWorkflow wf = start(env, worker, client, fleet, TestDefinitions.request(d, 1));
    RolloutWorkflowTest.awaitPhase(wf, "caught");
    wf.releaseRollout(ReleaseRequest.of(wf.status(), true, "op"));
    RolloutStatus done = result(wf);
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    String notifier = dev.amble.notify.NotifierWorkflow.workflowId("default", "fleet");
    env.sleep(java.time.Duration.ofDays(8));
    client.newUntypedWorkflowStub(notifier).getResult(Void.class);
    List<dev.amble.notify.GivenUp> givenUp =
        client.newWorkflowStub(dev.amble.notify.NotifierWorkflow.class, notifier).givenUp();
    assertEquals(2, givenUp.size(), "Slack's caught and done gave up: " + givenUp);

    clear("notify");
    WorkflowExecutionHistory rollout =
        save(
            client, execution(wf), VERSION + "-notify-rollout.json", execution(wf).getWorkflowId());
    saveHost(client, rollout, "h02", VERSION + "-notify-host-h02.json");
    save(
        client,
        WorkflowExecution.newBuilder().setWorkflowId(notifier).build(),
        VERSION + "-notify-notifier.json",
        notifier);
  }

  /**
   * Two rollouts of two hosts, each checked by Ansible's syntax check first: the first's content
   * fails it, and the rollout ends failed before planning; the second's passes, and both hosts are
   * walked.
   */
  @Test
  void syntaxCheck(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(2));
    org.mockito.Mockito.doReturn(
            SyntaxCheckWorkflowTest.MISSING_ROLE, SyntaxCheckResult.pass("/logs/all/x.log"))
        .when(fleet.workspace)
        .checkSyntax(any());
    RolloutRequest request = TestDefinitions.request(TestDefinitions.upgrade("ascending", 1), 1);
    RolloutWorkflow failing = start(env, worker, client, fleet, request);
    WorkflowExecution first = execution(failing);
    org.junit.jupiter.api.Assertions.assertThrows(
        io.temporal.client.WorkflowFailedException.class, () -> result(failing));
    assertEquals(List.of(), fleet.prepared);
    RolloutWorkflow passing = RolloutWorkflowTest.rollout(client, worker, "fleet");
    WorkflowClient.start(passing::run, RolloutInput.start(request));
    assertEquals(2, result(passing).count(Outcome.SUCCEEDED));

    clear("syntax-check");
    save(client, first, VERSION + "-syntax-check-failed-rollout.json", first.getWorkflowId());
    save(
        client,
        execution(passing),
        VERSION + "-syntax-check-passed-rollout.json",
        execution(passing).getWorkflowId());
  }

  /**
   * Six hosts in three racks, replicas before primaries, at most one host of a rack in flight and
   * three at once: the walk order read domain by domain from its pages, tier by tier.
   */
  @Test
  void failureDomains(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    Definition d =
        StrategyWorkflowTest.definition(
            3,
            "failure_domain: { var: rack, max_in_flight: 1 }\n"
                + "tiers: { var: role, order: [replica, primary] }");
    List<dev.amble.plan.HostPlan> plan =
        FailureDomainsWorkflowTest.racks(3, 2, h -> h.endsWith("h1") ? "primary" : "replica");
    MockFleet fleet = new MockFleet(plan.stream().map(dev.amble.plan.HostPlan::host).toList());
    MockFleet.planPlaced(
        fleet.workspace,
        fleet.pages,
        dev.amble.plan.Placement.order(plan, d.workspace().strategy()),
        d.workspace().strategy(),
        2);
    RolloutWorkflow wf = start(env, worker, client, fleet, TestDefinitions.request(d, 1));
    assertEquals(6, result(wf).count(Outcome.SUCCEEDED));
    saveWithHosts(client, wf, "failure-domains", "r1h2", "r1h1");
  }

  /**
   * Four hosts, two at a time, the first two failing: caught with both waiting, h01 walked again by
   * a retry while the rollout stays caught, h03 skipped, and a release that leaves h02 failed.
   */
  @Test
  void hostSteering(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    MockFleet fleet = new MockFleet(StrategyWorkflowTest.hosts(4));
    java.util.Map<String, Integer> tries = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.CountDownLatch bothIn = new java.util.concurrent.CountDownLatch(2);
    fleet.job(
        r -> {
          String host = r.target().host();
          if (tries.merge(host, 1, Integer::sum) == 1
              && !host.equals("h03")
              && !host.equals("h04")) {
            bothIn.countDown();
            try {
              bothIn.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
            return StrategyWorkflowTest.FAILED;
          }
          return MockFleet.OK;
        });
    RolloutWorkflow wf =
        start(
            env,
            worker,
            client,
            fleet,
            TestDefinitions.request(StrategyWorkflowTest.definition(2, ""), 1));
    RolloutStatus caught = null;
    for (int i = 0; i < 1500 && (caught == null || caught.awaiting().size() < 2); i++) {
      Thread.sleep(20);
      caught = wf.status();
    }
    wf.skipHost(new HostSteering("h03", "tester@test", "gone", ""));
    wf.retryHost(new HostSteering("h01", "tester@test", "flaky", ""));
    RolloutStatus retried = wf.status();
    for (int i = 0; i < 1500 && retried.count(Outcome.SUCCEEDED) < 1; i++) {
      Thread.sleep(20);
      retried = wf.status();
    }
    wf.releaseRollout(ReleaseRequest.of(retried, false, "tester@test").except(List.of("h02")));
    RolloutStatus done = result(wf);
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(1, done.count(Outcome.SKIPPED));
    saveWithHosts(client, wf, "host-steering", "h01");
  }

  /** Removes a scenario's earlier recording, whose hosts may differ from this one's. */
  static void clear(String scenario) throws IOException {
    try (Stream<Path> files = Files.list(HISTORIES)) {
      for (Path p :
          files
              .filter(p -> p.getFileName().toString().startsWith(VERSION + "-" + scenario + "-"))
              .toList()) {
        Files.delete(p);
      }
    }
  }
}

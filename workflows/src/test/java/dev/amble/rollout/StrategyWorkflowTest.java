package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import dev.amble.health.HealthCheckAnswer;
import dev.amble.health.HealthCheckResult;
import dev.amble.host.Outcome;
import dev.amble.host.Preparation;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.machine.TransitionVisits;
import dev.amble.state.RemoteState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every rule of rollout strategies: waves, pauses, bake time, budgets, unreachable hosts, health
 * checks.
 */
@ExtendWith(TransitionVisits.class)
class StrategyWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  static final RunResult FAILED =
      new RunResult(RunStatus.FAILED, "apply", "ansible.builtin.command", "rc=1", 0, "/l");
  static final Preparation UNREACHABLE =
      new Preparation(
          new RunResult(RunStatus.UNREACHABLE, "gather", "setup", "ssh: connect refused", 0, ""),
          List.of(),
          RemoteState.NONE);

  static Definition definition(int concurrency, String strategy) {
    String indented =
        strategy.strip().lines().map(l -> "    " + l).collect(Collectors.joining("\n"));
    try {
      return AmblefileLoader.parse(
              Path.of("/virtual/Amblefile.yml"),
              "Amblefile.yml",
              """
              workspaces:
                fleet:
                  host_pattern: fleet
                  workflow: w
                  sort_order: ascending
                  concurrency: %d
              %s
              workflows:
                w: { jobs: [ { job: work } ] }
              jobs:
                work: { tasks: [ { ansible.builtin.ping: {} } ] }
              """
                  .formatted(concurrency, indented))
          .definition("fleet");
    } catch (AmblefileException e) {
      throw new IllegalArgumentException(e.report(), e);
    }
  }

  static List<String> hosts(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> String.format("h%02d", i)).toList();
  }

  MockFleet fleet;
  RolloutWorkflow wf;

  RolloutWorkflow start(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      Definition d,
      MockFleet f) {
    return start(env, worker, client, TestDefinitions.request(d, 1), f);
  }

  RolloutWorkflow start(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      RolloutRequest request,
      MockFleet f) {
    fleet = f;
    f.testServerClock = env::currentTimeMillis;
    worker.registerActivitiesImplementations(f.activities());
    env.start();
    wf =
        client.newWorkflowStub(
            RolloutWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(
                    RolloutRequest.workflowId(
                        dev.amble.amblefile.Amblefile.DEFAULT_PROJECT, "fleet"))
                .setTaskQueue(worker.getTaskQueue())
                .build());
    WorkflowClient.start(wf::run, RolloutInput.start(request));
    return wf;
  }

  RolloutStatus result() {
    return WorkflowStub.fromTyped(wf).getResult(RolloutStatus.class);
  }

  RolloutStatus awaitPhase(String phase) throws InterruptedException {
    return RolloutWorkflowTest.awaitPhase(wf, phase);
  }

  long at(String kind, String host) {
    return fleet.timeline.stream()
        .filter(e -> e.kind().equals(kind) && e.host().equals(host))
        .findFirst()
        .orElseThrow()
        .at();
  }

  /** No host of a later wave was prepared before every host of the earlier wave finished. */
  void assertWaves(List<List<String>> waves) {
    for (int w = 0; w + 1 < waves.size(); w++) {
      long lastFinish = waves.get(w).stream().mapToLong(h -> at("finish", h)).max().orElseThrow();
      long nextStart =
          waves.get(w + 1).stream().mapToLong(h -> at("prepare", h)).min().orElseThrow();
      assertTrue(
          lastFinish <= nextStart,
          "wave " + (w + 2) + " started before wave " + (w + 1) + " was done");
      int index = fleet.prepared.indexOf(waves.get(w + 1).get(0));
      assertTrue(
          fleet.prepared.subList(0, index).containsAll(waves.get(w)), fleet.prepared.toString());
    }
  }

  @Test
  void wavesGrowAndTheLastSizeRepeats(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(env, worker, client, definition(2, "waves: [1, 2]"), new MockFleet(hosts(6)));
    RolloutStatus done = result();
    assertEquals(6, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of(1, 2, 2, 1), done.progress().waveSizes());
    assertEquals(4, done.progress().wave());
    assertWaves(
        List.of(List.of("h01"), List.of("h02", "h03"), List.of("h04", "h05"), List.of("h06")));
  }

  @Test
  void percentagesOfTheWalkedHostsRoundUpAndTheWindowHoldsWithinAWave(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws InterruptedException {
    // Wave 2's hosts stay in their job until three of them are there at once: the window fills.
    MockFleet f = new MockFleet(hosts(9));
    java.util.concurrent.CountDownLatch windowFull = new java.util.concurrent.CountDownLatch(3);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    f.jobHeldUntil("work", hosts(9).subList(1, 6)::contains, windowFull, release);
    start(env, worker, client, definition(3, "waves: [1, \"50%\"]"), f);
    assertTrue(
        windowFull.await(30, java.util.concurrent.TimeUnit.SECONDS),
        "three hosts of wave 2 were never in their job at once");
    assertEquals(3, wf.status().inProgress().size(), wf.status().inProgress().toString());
    release.countDown();
    RolloutStatus done = result();
    assertEquals(List.of(1, 5, 3), done.progress().waveSizes(), "50% of 9 is 5 hosts");
    assertWaves(List.of(hosts(9).subList(0, 1), hosts(9).subList(1, 6), hosts(9).subList(6, 9)));
    assertEquals(3, fleet.mostAtOnce.get(), "the window within a wave is the concurrency");
  }

  @Test
  void pauseBetweenWavesWaits(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(
        env,
        worker,
        client,
        definition(1, "waves: [1]\npause_between_waves: 10m"),
        new MockFleet(hosts(3)));
    result();
    assertTrue(at("prepare", "h02") - at("finish", "h01") >= Duration.ofMinutes(10).toMillis());
    assertTrue(at("prepare", "h03") - at("finish", "h02") >= Duration.ofMinutes(10).toMillis());
  }

  @Test
  void aManualPauseCatchesTheRolloutAfterEachWave(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    start(
        env,
        worker,
        client,
        definition(1, "waves: [1, 2]\npause_between_waves: manual"),
        new MockFleet(hosts(3)));
    RolloutStatus paused = awaitPhase("caught");
    assertEquals("wave 1 is done; release to start wave 2", paused.caught().reason());
    assertEquals(List.of("h01"), fleet.prepared);
    assertEquals(SteeringKind.PAUSE, paused.steering().get(0).kind());
    RolloutWorkflowTest.release(wf, false, "op");
    RolloutStatus done = result();
    assertEquals(3, done.count(Outcome.SUCCEEDED));
  }

  @Test
  void bakeTimeComesBeforeTheWavesPostChecks(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    start(
        env,
        worker,
        client,
        definition(
            1,
            "waves: [1]\nbake_time: 30m\npost_checks:\n  wave:\n    - { name: error-rate, http: \"http://metrics/wave/{wave}\" }"),
        new MockFleet(hosts(2)));
    RolloutStatus done = result();
    long bakeStart = at("finish", "h01");
    long check =
        fleet.timeline.stream()
            .filter(e -> e.kind().equals("health check error-rate"))
            .findFirst()
            .orElseThrow()
            .at();
    assertTrue(
        check - bakeStart >= Duration.ofMinutes(30).toMillis(),
        "post-check before the bake time was over");
    assertTrue(at("prepare", "h02") >= check);
    assertEquals(List.of("error-rate@wave 1", "error-rate@wave 2"), fleet.healthCheckRuns);
    assertEquals(2, done.progress().healthChecks().size());
  }

  @Test
  void failuresUnderTheBudgetAreRecordedAndTheWalkGoesOn(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(6));
    Set<String> broken = Set.of("h02", "h03", "h04");
    f.job(r -> broken.contains(r.target().host()) ? FAILED : MockFleet.OK);
    start(env, worker, client, definition(1, "max_failures: 2"), f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(List.of("h04"), caught.awaiting(), "h02 and h03 were under budget");
    assertTrue(
        caught.caught().reason().endsWith("(over the failure budget: 3 failed, max_failures 2)"),
        caught.caught().reason());
    assertEquals(3, caught.progress().failures());
    assertEquals(2, caught.progress().maxFailures());
    RolloutWorkflowTest.release(wf, true, "op");
    RolloutStatus done = result();
    assertEquals(3, done.count(Outcome.FAILED));
    assertEquals(3, done.count(Outcome.SUCCEEDED));
    assertEquals(hosts(6), fleet.prepared);
  }

  @Test
  void aPercentageBudgetRoundsDown(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(7));
    f.job(r -> r.target().host().compareTo("h05") >= 0 ? FAILED : MockFleet.OK);
    start(env, worker, client, definition(1, "max_failures: \"30%\""), f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(2, caught.progress().maxFailures(), "30% of 7 is 2.1: the budget is 2");
    assertEquals(List.of("h07"), caught.awaiting());
  }

  @Test
  void oneWaveOverItsBudgetCatchesWithinTheTotalBudget(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(6));
    f.job(r -> Set.of("h01", "h03", "h04").contains(r.target().host()) ? FAILED : MockFleet.OK);
    start(
        env,
        worker,
        client,
        definition(1, "waves: [2]\nmax_failures: 10\nmax_failures_per_wave: 1"),
        f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(
        List.of("h04"), caught.awaiting(), "wave 1 had one failure (h01): within its budget");
    assertEquals(2, caught.progress().wave());
    assertEquals(2, caught.progress().waveFailures());
    assertTrue(
        caught
            .caught()
            .reason()
            .contains("over wave 2's failure budget: 2 failed, max_failures_per_wave 1"),
        caught.caught().reason());
    RolloutWorkflowTest.release(wf, true, "op");
    assertEquals(3, result().count(Outcome.SUCCEEDED));
  }

  @Test
  void aBudgetOfZeroWithConcurrencyFiveLetsHostsInFlightFailBeforeTheCatchLands(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(10));
    AtomicInteger started = new AtomicInteger();
    java.util.concurrent.CountDownLatch allFiveIn = new java.util.concurrent.CountDownLatch(5);
    f.job(
        r -> {
          started.incrementAndGet();
          allFiveIn.countDown();
          try {
            allFiveIn.await(); // the five hosts of the window are all in their job at once
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return FAILED;
        });
    start(env, worker, client, definition(5, "max_failures: 0"), f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(5, caught.count(Outcome.FAILED), "every host in flight when the first failed");
    assertEquals(5, caught.awaiting().size());
    assertEquals(
        hosts(5), fleet.prepared.stream().sorted().toList(), "no host started after the catch");
    assertEquals(5, started.get());
  }

  @Test
  void unreachableSkipRecordsTheHostAndGoesOn(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet f = new MockFleet(hosts(3));
    f.prepare(
        h ->
            h.equals("h02")
                ? UNREACHABLE
                : new Preparation(MockFleet.OK, MockFleet.holds(1), RemoteState.NONE));
    start(env, worker, client, definition(1, "unreachable: skip"), f);
    RolloutStatus done = result();
    assertEquals("done", done.phase());
    assertEquals(Outcome.UNREACHABLE, done.results().get("h02").outcome());
    assertEquals(0, done.progress().failures());
    assertTrue(done.steering().isEmpty(), "nothing caught it");
  }

  @Test
  void aHostLostAtFinishIsAFailureEvenUnderUnreachableSkip(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(2));
    // The walk's only job is its last run: it finishes the host, and h01 is lost there.
    f.job(
        r ->
            r.finish().isPresent() && r.target().host().equals("h01")
                ? new RunResult(
                    RunStatus.UNREACHABLE,
                    "amble: refresh the cached facts",
                    "setup",
                    "ssh: connect refused",
                    0,
                    "")
                : MockFleet.OK);
    start(env, worker, client, definition(1, "unreachable: skip"), f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(
        Outcome.FAILED, caught.results().get("h01").outcome(), "every job had changed the host");
    assertEquals(1, caught.progress().failures());
    assertFalse(fleet.prepared.contains("h02"), "the walk stopped at the failure");
  }

  @Test
  void unreachableRetryTriesAgainAfterABackoffThatDoubles(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet f = new MockFleet(hosts(1));
    Map<String, AtomicInteger> tries = new ConcurrentHashMap<>();
    f.prepare(
        h ->
            tries.computeIfAbsent(h, x -> new AtomicInteger()).incrementAndGet() <= 2
                ? UNREACHABLE
                : new Preparation(MockFleet.OK, MockFleet.holds(1), RemoteState.NONE));
    start(
        env,
        worker,
        client,
        definition(1, "unreachable: retry\nunreachable_attempts: 3\nunreachable_backoff: 1m"),
        f);
    RolloutStatus done = result();
    assertEquals(Outcome.SUCCEEDED, MockFleet.walkOf(client, "h01").outcome());
    List<Long> prepares =
        fleet.timeline.stream()
            .filter(e -> e.kind().equals("prepare"))
            .map(MockFleet.Event::at)
            .toList();
    assertEquals(3, prepares.size());
    assertTrue(prepares.get(1) - prepares.get(0) >= Duration.ofMinutes(1).toMillis());
    assertTrue(
        prepares.get(2) - prepares.get(1) >= Duration.ofMinutes(2).toMillis(),
        "the backoff doubles");
  }

  @Test
  void unreachableRetryGivesUpAfterItsAttempts(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(2));
    f.prepare(
        h ->
            h.equals("h01")
                ? UNREACHABLE
                : new Preparation(MockFleet.OK, MockFleet.holds(1), RemoteState.NONE));
    start(
        env,
        worker,
        client,
        definition(1, "unreachable: retry\nunreachable_attempts: 2\nunreachable_backoff: 10s"),
        f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(Outcome.UNREACHABLE, caught.results().get("h01").outcome());
    assertEquals(3, fleet.prepared.size(), "one try and two retries");
  }

  @Test
  void aFailingHostPreCheckHoldsTheHostAndCatches(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(3));
    AtomicInteger lbChecks = new AtomicInteger();
    f.healthChecks(
        r ->
            r.host().orElse("").equals("h02") && lbChecks.incrementAndGet() == 1
                ? new HealthCheckAnswer(false, "pool has 1 healthy member, needs 2")
                : new HealthCheckAnswer(true, ""));
    start(
        env,
        worker,
        client,
        definition(
            1,
            "pre_checks:\n  host:\n    - { name: lb-pool, hosts: lb, tasks: [ { ansible.builtin.ping: {} } ] }"),
        f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(
        "check lb-pool failed for host h02 (pre): pool has 1 healthy member, needs 2",
        caught.caught().reason());
    assertFalse(caught.results().containsKey("h02"), "a held host is not done");
    assertFalse(fleet.jobs.stream().anyMatch(j -> j.startsWith("h02:")), "a held host was touched");
    assertEquals(2, caught.remaining());
    RolloutWorkflowTest.release(wf, false, "op");
    RolloutStatus done = result();
    assertEquals(3, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of("h01", "h02", "h02", "h03"), fleet.prepared);
  }

  @Test
  void aFailingHostPostCheckCatchesAfterTheHostIsDone(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(3));
    List<String> hostWaves = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    f.healthChecks(
        r -> {
          hostWaves.add(r.host().orElse("") + "@" + r.wave());
          return new HealthCheckAnswer(!r.host().orElse("").equals("h01"), "HTTP 503");
        });
    start(
        env,
        worker,
        client,
        definition(
            1,
            "waves: [1, 2]\npost_checks:\n  host:\n    - { name: health, http: \"http://{host}:8080/health\" }"),
        f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(Outcome.SUCCEEDED, MockFleet.walkOf(client, "h01").outcome());
    assertEquals("check health failed for host h01 (post): HTTP 503", caught.caught().reason());
    assertEquals(List.of("h01"), fleet.prepared);
    assertEquals(1, caught.progress().healthChecks().size());
    RolloutWorkflowTest.release(wf, false, "op");
    assertEquals(3, result().count(Outcome.SUCCEEDED));
    assertEquals(
        List.of("h01@1", "h02@2", "h03@2"), hostWaves, "a host's health checks know its wave");
  }

  @Test
  void aContinueHealthCheckIsRecordedOnly(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet f = new MockFleet(hosts(2));
    f.healthChecks(r -> new HealthCheckAnswer(false, "slow"));
    start(
        env,
        worker,
        client,
        definition(
            1,
            "post_checks:\n  host:\n    - { name: latency, http: \"http://{host}/\", on_failure: continue }"),
        f);
    RolloutStatus done = result();
    assertEquals("done", done.phase());
    assertEquals(2, done.progress().healthChecks().size());
    assertTrue(done.progress().healthChecks().stream().noneMatch(HealthCheckResult::passed));
    assertTrue(done.steering().isEmpty());
  }

  @Test
  void anAbortGateEndsTheRolloutAfterTheHostsInFlight(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet f = new MockFleet(hosts(6));
    f.healthChecks(
        r -> new HealthCheckAnswer(!r.host().orElse("").equals("h02"), "data loss detected"));
    start(
        env,
        worker,
        client,
        definition(
            2,
            "post_checks:\n  host:\n    - { name: integrity, hosts: db, tasks: [ { ansible.builtin.ping: {} } ], on_failure: abort }"),
        f);
    RolloutStatus done = result();
    assertEquals("aborted", done.phase());
    assertEquals(SteeringKind.ABORT, done.steering().get(0).kind());
    assertTrue(fleet.prepared.size() <= 3, "hosts started after the abort: " + fleet.prepared);
    assertTrue(done.remaining() >= 3);
  }

  @Test
  void waveChecksRunBeforeAndAfterEachWave(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(3));
    AtomicInteger preChecks = new AtomicInteger();
    f.healthChecks(
        r ->
            r.healthCheck().name().equals("capacity") && preChecks.incrementAndGet() == 2
                ? new HealthCheckAnswer(false, "capacity under 80%")
                : new HealthCheckAnswer(true, ""));
    start(
        env,
        worker,
        client,
        definition(
            1,
            "waves: [1, 2]\npre_checks:\n  wave:\n    - { name: capacity, http: \"http://cap/\" }\npost_checks:\n  wave:\n    - { name: errors, http: \"http://err/\" }"),
        f);
    RolloutStatus caught = awaitPhase("caught");
    assertEquals(
        "check capacity failed for wave 2 (pre): capacity under 80%", caught.caught().reason());
    assertEquals(List.of("h01"), fleet.prepared);
    RolloutWorkflowTest.release(wf, false, "op");
    result();
    assertEquals(
        List.of("capacity@wave 1", "errors@wave 1", "capacity@wave 2", "errors@wave 2"),
        fleet.healthCheckRuns);
  }

  @Test
  void aFailingContinuousCheckCatchesWithinOneInterval(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(3));
    AtomicInteger checks = new AtomicInteger();
    f.healthChecks(r -> new HealthCheckAnswer(checks.incrementAndGet() < 3, "5xx rate 12%"));
    // Waves of one host with a long pause: the checks (every 5 minutes) run during the pause.
    start(
        env,
        worker,
        client,
        definition(
            1,
            "waves: [1]\npause_between_waves: 1h\ncontinuous_checks:\n  interval: 5m\n  checks:\n    - { name: 5xx, http: \"http://metrics/5xx\" }"),
        f);
    env.sleep(Duration.ofMinutes(20)); // the test server skips time only when asked to
    RolloutStatus caught = awaitPhase("caught");
    assertEquals("check 5xx failed for continuous: 5xx rate 12%", caught.caught().reason());
    List<Long> runs =
        fleet.timeline.stream()
            .filter(e -> e.kind().equals("health check 5xx"))
            .map(MockFleet.Event::at)
            .toList();
    // The checks go on while caught: a slow test thread may see a fourth one already.
    assertTrue(runs.size() >= 3, "checks: " + runs);
    assertTrue(
        runs.get(2) - runs.get(1) <= Duration.ofMinutes(5).toMillis() + 1000,
        "the failing check came one interval after the last");
    assertEquals(List.of("h01"), fleet.prepared, "no host started after the catch");
    assertTrue(caught.progress().healthChecks().stream().anyMatch(g -> !g.passed()));
    f.healthChecks(r -> new HealthCheckAnswer(true, ""));
    RolloutWorkflowTest.release(wf, false, "op");
    assertEquals(3, result().count(Outcome.SUCCEEDED));
  }

  /**
   * Days of waiting — a bake, a health check's hold, a manual pause — with continuous checks every
   * minute adding history all along: each wait continues as new from its own stage, and the walk
   * goes on from there with every host walked once.
   */
  @Test
  void longWaitsContinueAsNewAndTheWalkGoesOnFromTheirStage(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(hosts(3));
    AtomicInteger capacity = new AtomicInteger();
    f.healthChecks(
        r ->
            new HealthCheckAnswer(
                !r.healthCheck().name().equals("capacity") || capacity.incrementAndGet() != 2,
                "capacity under 80%"));
    Definition d =
        definition(
            1,
            """
            waves: [1]
            bake_time: 2h
            pause_between_waves: manual
            pre_checks:
              wave:
                - { name: capacity, http: "http://cap/" }
                - { name: quorum, http: "http://quorum/" }
            continuous_checks:
              interval: 1m
              checks:
                - { name: errors, http: "http://errors/" }
            """);
    start(env, worker, client, TestDefinitions.request(d, 1, 300), f);

    env.sleep(Duration.ofHours(3)); // wave 1 bakes (2h), then the manual pause catches
    RolloutStatus paused = awaitPhase("caught");
    assertEquals(List.of("h01"), fleet.prepared);
    int runsWhileBaking = paused.runs();
    assertTrue(runsWhileBaking >= 1, "never continued as new while baking");
    env.sleep(Duration.ofHours(3));
    assertTrue(wf.status().runs() > runsWhileBaking, "never continued as new while caught");
    assertTrue(
        WorkflowStub.fromTyped(wf).describe().getHistoryLength() < 600,
        "history grows while caught");

    RolloutWorkflowTest.release(wf, false, "op");
    RolloutStatus held =
        awaitPhase("caught"); // wave 2's capacity check fails: held at the health check
    assertEquals(
        "check capacity failed for wave 2 (pre): capacity under 80%", held.caught().reason());
    int runsAtTheHealthCheck = held.runs();
    env.sleep(Duration.ofHours(3));
    assertTrue(
        wf.status().runs() > runsAtTheHealthCheck,
        "never continued as new while held at a health check");
    assertEquals(List.of("h01"), fleet.prepared, "a host started while held");
    RolloutWorkflowTest.release(wf, false, "op");
    for (int i = 0; i < 2; i++) {
      env.sleep(Duration.ofHours(3)); // bake, then the manual pause after wave 2 (and wave 3 bakes)
      if (wf.status().phase().equals("caught")) {
        RolloutWorkflowTest.release(wf, false, "op");
      }
    }
    RolloutStatus done = result();
    assertEquals("done", done.phase());
    assertEquals(3, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of("h01", "h02", "h03"), fleet.prepared, "a host was walked twice");
    assertEquals(List.of("h01", "h02", "h03"), fleet.finished);
    List<String> waveHealthChecks =
        fleet.healthCheckRuns.stream().filter(g -> !g.startsWith("errors")).toList();
    assertEquals(
        List.of(
            "capacity@wave 1",
            "quorum@wave 1",
            "capacity@wave 2",
            "quorum@wave 2",
            "capacity@wave 3",
            "quorum@wave 3"),
        waveHealthChecks,
        "the hold went on at the health check after the one that failed");
    assertTrue(
        fleet.healthCheckRuns.stream().filter(g -> g.startsWith("errors")).count() > 600,
        "continuous checks stopped");
  }
}

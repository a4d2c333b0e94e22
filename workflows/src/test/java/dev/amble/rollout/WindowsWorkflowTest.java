package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.host.Outcome;
import dev.amble.host.Preparation;
import dev.amble.machine.TransitionVisits;
import dev.amble.state.RemoteState;
import dev.amble.window.WindowStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Maintenance windows in the rollout, with time skipping: no host starts outside a window (a walk,
 * a host a release walks again, a retry of an unreachable host), hosts in flight finish their walk,
 * and the rollout waits on a timer until the next window opens. Every test starts on Monday
 * 2026-12-07 at 21:00 UTC, an hour before the day's one-minute window (22:00 to 22:01 UTC).
 */
@ExtendWith(TransitionVisits.class)
class WindowsWorkflowTest {
  static final Instant START = Instant.parse("2026-12-07T21:00:00Z");
  static final Instant MONDAY_22 = Instant.parse("2026-12-07T22:00:00Z");
  static final Instant TUESDAY_22 = Instant.parse("2026-12-08T22:00:00Z");

  static final String WINDOW =
      """
      windows:
        time_zone: UTC
        allow:
          - { from: "22:00", to: "22:01" }
      """;

  @RegisterExtension
  static final TestWorkflowExtension ENV = RolloutWorkers.extension().setInitialTime(START).build();

  final StrategyWorkflowTest rollout = new StrategyWorkflowTest();

  static Definition definition(int concurrency, String strategy) {
    return StrategyWorkflowTest.definition(concurrency, WINDOW + strategy);
  }

  /**
   * The minute the host was prepared in, each time, in workflow time (the test server's clock moves
   * on by some milliseconds while activities run).
   */
  List<Instant> prepared(String host) {
    return rollout.fleet.timeline.stream()
        .filter(e -> e.kind().equals("prepare") && e.host().equals(host))
        .map(e -> Instant.ofEpochMilli(e.at()).truncatedTo(ChronoUnit.MINUTES))
        .toList();
  }

  static final String RETRY_ONCE =
      "unreachable: retry\nunreachable_attempts: 1\nunreachable_backoff: 5m";

  /** The fleet's first prepare finds its host unreachable, every other one reachable. */
  static void unreachableFirst(MockFleet f) {
    AtomicInteger tries = new AtomicInteger();
    f.prepare(
        h ->
            tries.incrementAndGet() == 1
                ? StrategyWorkflowTest.UNREACHABLE
                : new Preparation(MockFleet.OK, MockFleet.holds(1), RemoteState.NONE));
  }

  /** When the host's walk ended, in workflow time: its history's last event. */
  static Instant walkEnded(WorkflowClient client, String host) {
    com.google.protobuf.Timestamp t =
        client
            .fetchHistory(RolloutRequest.hostWorkflowId("amble/default/fleet", host))
            .getLastEvent()
            .getEventTime();
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  @Test
  void aWindowThatClosesMidWaveLetsItsHostsFinishAndStartsNoOther(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(4));
    // h01 and h02's job fails on the worker five times (about a minute of retries): they are
    // still in flight when the window closes at 22:01.
    Map<String, AtomicInteger> faults = new ConcurrentHashMap<>();
    f.job(
        r -> {
          String host = r.target().host();
          if (List.of("h01", "h02").contains(host)
              && faults.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet() <= 5) {
            throw new IllegalStateException("worker fault");
          }
          return MockFleet.OK;
        });
    RolloutWorkflow wf = rollout.start(env, worker, client, definition(2, ""), f);
    RolloutStatus waiting = rollout.awaitPhase("waiting");
    assertEquals(List.of(), waiting.inProgress());
    assertEquals(
        java.util.Optional.of(new WindowStatus("UTC", MONDAY_22, MONDAY_22.plusSeconds(60))),
        waiting.window(),
        "status says when the window opens");
    assertEquals(List.of(), f.prepared, "no host starts before the window opens");

    RolloutStatus done = rollout.result();
    assertEquals(4, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of(MONDAY_22), prepared("h01"));
    assertEquals(List.of(MONDAY_22), prepared("h02"));
    assertTrue(
        walkEnded(client, "h01").isAfter(MONDAY_22.plusSeconds(60)), "h01 finished after 22:01");
    assertTrue(
        walkEnded(client, "h02").isAfter(MONDAY_22.plusSeconds(60)), "h02 finished after 22:01");
    assertEquals(List.of(TUESDAY_22), prepared("h03"), "h03 waited for Tuesday's window");
    assertEquals(List.of(TUESDAY_22), prepared("h04"));
    assertEquals(
        List.of("h03", "h04"), f.prepared.subList(2, 4).stream().sorted().toList(), "last");
    assertEquals(wf.status().phase(), "done");
  }

  @Test
  void aHostAReleaseWalksAgainWaitsForTheWindow(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(2));
    AtomicInteger h01Jobs = new AtomicInteger();
    f.job(
        r ->
            r.target().host().equals("h01") && h01Jobs.incrementAndGet() == 1
                ? StrategyWorkflowTest.FAILED
                : MockFleet.OK);
    RolloutWorkflow wf = rollout.start(env, worker, client, definition(1, ""), f);
    env.sleep(Duration.ofHours(1));
    rollout.awaitPhase("caught");
    env.sleep(Duration.ofHours(1));
    RolloutWorkflowTest.release(wf, false, "alice@ops");
    RolloutStatus waiting = rollout.awaitPhase("waiting");
    assertEquals(2, waiting.remaining(), "h01, to be walked again, and h02");
    assertEquals(List.of("h01"), f.prepared, "nothing started outside the window");

    RolloutStatus done = rollout.result();
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of(MONDAY_22, TUESDAY_22), prepared("h01"));
    assertEquals(List.of(TUESDAY_22), prepared("h02"));
  }

  @Test
  void anUnreachableHostsRetryWaitsForTheWindow(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(1));
    unreachableFirst(f);
    rollout.start(env, worker, client, definition(1, RETRY_ONCE), f);
    RolloutStatus done = rollout.result();
    assertEquals(1, done.count(Outcome.SUCCEEDED));
    // The backoff ends at 22:05, outside the window: the retry is Tuesday's first start.
    assertEquals(List.of(MONDAY_22, TUESDAY_22), prepared("h01"));
  }

  /** amble run --ignore-windows: hosts start at once, and the history says who asked. */
  @Test
  void aRolloutThatIgnoresTheWindowsStartsHostsAtOnceAndSaysWhoAsked(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(1));
    unreachableFirst(f);
    RolloutRequest r = TestDefinitions.request(definition(1, RETRY_ONCE), 1);
    rollout.start(
        env,
        worker,
        client,
        new RolloutRequest(
            r.definition(),
            r.limit(),
            r.seed(),
            r.concurrency(),
            r.dryRun(),
            r.stompLocks(),
            "carol@oncall",
            r.heartbeatTimeout(),
            r.eventsPerRun(),
            r.searchAttributes(),
            true),
        f);
    RolloutStatus done = rollout.result();
    assertEquals(1, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of(START, START.plus(Duration.ofMinutes(5))), prepared("h01"));
    Steering asked = done.steering().get(0);
    assertEquals(SteeringKind.IGNORE_WINDOWS, asked.kind());
    assertEquals("carol@oncall", asked.by());
    assertEquals(java.util.Optional.empty(), done.window());
  }

  /** A wait of days continues as new once a day, the window it waits for carried over. */
  @Test
  void aLongWaitContinuesAsNewEachDay(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(1));
    rollout.start(
        env,
        worker,
        client,
        StrategyWorkflowTest.definition(1, WINDOW.replace("{ from:", "{ days: [sun], from:")),
        f);
    RolloutStatus done = rollout.result();
    assertEquals(1, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of(Instant.parse("2026-12-13T22:00:00Z")), prepared("h01"));
    assertEquals(6, done.runs(), "six days of waiting, a run each, then the walk");
  }
}

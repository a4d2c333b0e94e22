package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.host.Outcome;
import dev.amble.machine.TransitionVisits;
import dev.amble.plan.Decision;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Placement;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Failure domains and tiers: at most so many hosts of one domain in flight while the other domains
 * go on, and no host of a tier before every host of the tier before it is done.
 */
@ExtendWith(TransitionVisits.class)
class FailureDomainsWorkflowTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  final StrategyWorkflowTest runs = new StrategyWorkflowTest();

  /** Hosts {@code r1h1..} per rack, the racks' hosts one after another in the plan's order. */
  static List<HostPlan> racks(int racks, int hostsEach, Function<String, String> tier) {
    List<HostPlan> hosts = new ArrayList<>();
    for (int r = 1; r <= racks; r++) {
      for (int h = 1; h <= hostsEach; h++) {
        String name = "r" + r + "h" + h;
        hosts.add(new HostPlan(name, Decision.WALK, "", "", tier.apply(name), "rack" + r));
      }
    }
    return hosts;
  }

  /**
   * What the rollout has in flight whenever a host runs its job, by its own status: the most hosts
   * of one rack, and of all racks, at once. The rollout starts the hosts it may start in one go, so
   * a limit it does not keep shows at the first job.
   */
  final class Racks {
    final Map<String, Integer> most = new ConcurrentHashMap<>();

    /** The same, as the status says it per domain. */
    final Map<String, Integer> byStatus = new ConcurrentHashMap<>();

    final java.util.concurrent.atomic.AtomicInteger mostAtOnce =
        new java.util.concurrent.atomic.AtomicInteger();

    void seen() {
      RolloutStatus status = runs.wf.status();
      status.progress().inFlightByDomain().forEach((rack, n) -> byStatus.merge(rack, n, Math::max));
      List<String> inFlight = status.inProgress();
      mostAtOnce.accumulateAndGet(inFlight.size(), Math::max);
      Map<String, Integer> now = new java.util.HashMap<>();
      inFlight.forEach(h -> now.merge(h.substring(0, h.indexOf('h')), 1, Integer::sum));
      now.forEach((rack, n) -> most.merge(rack, n, Math::max));
    }
  }

  /** The hosts in flight once the rollout has counted {@code n} hosts succeeded. */
  List<String> inFlightOnceDone(int n) {
    return inFlightOnce(n).inProgress();
  }

  MockFleet fleet(List<HostPlan> plan, Definition d) {
    return fleet(plan, d, 2);
  }

  MockFleet fleet(List<HostPlan> plan, Definition d, int pageSize) {
    MockFleet f = new MockFleet(plan.stream().map(HostPlan::host).toList());
    MockFleet.planPlaced(
        f.workspace,
        f.pages,
        Placement.order(plan, d.workspace().strategy()),
        d.workspace().strategy(),
        pageSize);
    return f;
  }

  @Test
  void aHundredThousandHostsWaitingForOneBlockedDomainStayOnPages(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Definition d =
        StrategyWorkflowTest.definition(10, "failure_domain: { var: rack, max_in_flight: 1 }");
    List<HostPlan> plan = new ArrayList<>(100_000);
    for (int i = 0; i < 99_990; i++) {
      plan.add(
          new HostPlan(
              String.format("a%06d-", i) + "h".repeat(52), Decision.WALK, "", "", "", "rack-a"));
    }
    for (int r = 0; r < 10; r++) {
      plan.add(new HostPlan("b" + r, Decision.WALK, "", "", "", "rack-b" + r));
    }
    MockFleet f = fleet(plan, d, dev.amble.pages.Pages.WALK_PAGE_SIZE);
    CountDownLatch othersDone = new CountDownLatch(10);
    CountDownLatch measured = new CountDownLatch(1);
    f.job(
        r -> {
          String host = r.target().host();
          if (host.startsWith("a")) {
            try {
              assertTrue(measured.await(60, TimeUnit.SECONDS), "the test never let rack a go");
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          } else {
            othersDone.countDown();
          }
          return MockFleet.OK;
        });
    // A run continues as new after a few dozen events: the carried state is what is measured.
    runs.start(env, worker, client, TestDefinitions.request(d, 1, 60), f);
    try {
      assertTrue(othersDone.await(30, TimeUnit.SECONDS), "the other racks waited for rack a");
      String id = RolloutRequest.workflowId(dev.amble.amblefile.Amblefile.DEFAULT_PROJECT, "fleet");
      RolloutStatus status = inFlightOnce(10);
      assertEquals(List.of("a000000-" + "h".repeat(52)), status.inProgress());
      io.temporal.api.history.v1.HistoryEvent first = continuedRun(client, id);
      int carried =
          first.getWorkflowExecutionStartedEventAttributes().getInput().getSerializedSize();
      int answer = PayloadBoundsTest.size(status);
      System.out.printf("carried state %,d bytes, status %,d bytes%n", carried, answer);
      assertTrue(carried < PayloadBoundsTest.BOUND, "the carried state is " + carried + " bytes");
      assertTrue(answer < PayloadBoundsTest.BOUND, "the status is " + answer + " bytes");
      assertTrue(carried < 16 * 1024, "hosts waiting for rack a are in the state: " + carried);
    } finally {
      measured.countDown();
      WorkflowStub.fromTyped(runs.wf).terminate("the test measured what it wanted");
    }
  }

  /** The rollout's status once it has counted {@code n} hosts succeeded. */
  RolloutStatus inFlightOnce(int n) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < until) {
      RolloutStatus s = runs.wf.status();
      if (s.count(Outcome.SUCCEEDED) >= n) {
        return s;
      }
      try {
        Thread.sleep(20); // a poll of the rollout's own count, not a wait for time to pass
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("the rollout never counted " + n + " hosts succeeded");
  }

  /** The first event of a run that continued from another, waiting for one. */
  static io.temporal.api.history.v1.HistoryEvent continuedRun(WorkflowClient client, String id)
      throws InterruptedException {
    for (int i = 0; i < 1500; i++) {
      io.temporal.api.history.v1.HistoryEvent first = client.fetchHistory(id).getEvents().get(0);
      if (!first
          .getWorkflowExecutionStartedEventAttributes()
          .getContinuedExecutionRunId()
          .isEmpty()) {
        return first;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the rollout never continued as new");
  }

  @Test
  void aDomainNeverHasMoreThanItsLimitInFlightWhileTheOthersGoOn(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    limitHolds(env, worker, client, 1, 6);
  }

  @Test
  void aLimitOfTwoHoldsTwoOfEachDomainNeverThree(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    limitHolds(env, worker, client, 2, 10);
  }

  /**
   * Three racks of four hosts, at most {@code limit} of a rack at once and {@code concurrency} in
   * all: exactly {@code limit} of each rack were in flight at once, never one more.
   */
  void limitHolds(
      TestWorkflowEnvironment env,
      Worker worker,
      WorkflowClient client,
      int limit,
      int concurrency) {
    Definition d =
        StrategyWorkflowTest.definition(
            concurrency, "failure_domain: { var: rack, max_in_flight: " + limit + " }");
    MockFleet f = fleet(racks(3, 4, h -> ""), d);
    Racks seen = new Racks();
    f.job(
        r -> {
          seen.seen();
          return MockFleet.OK;
        });
    runs.start(env, worker, client, d, f);
    assertEquals(12, runs.result().count(Outcome.SUCCEEDED));
    assertEquals(Map.of("r1", limit, "r2", limit, "r3", limit), seen.most, "hosts of a rack");
    assertEquals(3 * limit, seen.mostAtOnce.get(), "racks in flight together");
    assertEquals(
        Map.of("rack1", limit, "rack2", limit, "rack3", limit),
        seen.byStatus,
        "the status's hosts in flight per domain");
  }

  /**
   * The domain cursor and the tier are carried across continue-as-new: a rollout that continues as
   * new every few dozen events, with walks in flight, still walks each host once, tier by tier, one
   * host of a rack at a time.
   */
  @Test
  void domainsAndTiersCarryAcrossContinueAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Definition d =
        StrategyWorkflowTest.definition(
            6,
            "failure_domain: { var: rack, max_in_flight: 1 }\n"
                + "tiers: { var: role, order: [replica, primary] }");
    List<HostPlan> plan = racks(3, 4, h -> h.endsWith("h1") ? "primary" : "replica");
    MockFleet f = fleet(plan, d);
    Racks seen = new Racks();
    f.job(
        r -> {
          seen.seen();
          return MockFleet.OK;
        });
    runs.start(env, worker, client, TestDefinitions.request(d, 1, 80), f);
    RolloutStatus done = runs.result();
    assertEquals(12, done.count(Outcome.SUCCEEDED));
    assertTrue(done.runs() > 1, "the rollout never continued as new: " + done.runs());
    assertEquals(Map.of("r1", 1, "r2", 1, "r3", 1), seen.most, "one host of a rack at a time");
    assertEquals(12, f.jobs.stream().distinct().count(), "a host walked twice: " + f.jobs);
    List<String> primaries = List.of("r1h1", "r2h1", "r3h1");
    int firstPrimary =
        f.finished.stream()
            .filter(primaries::contains)
            .map(f.finished::indexOf)
            .min(Integer::compare)
            .orElseThrow();
    assertEquals(9, firstPrimary, "every replica finished before the first primary: " + f.finished);
  }

  @Test
  void hostsWaitingForTheirDomainHoldBackNoHostOfAnother(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws InterruptedException {
    Definition d =
        StrategyWorkflowTest.definition(6, "failure_domain: { var: rack, max_in_flight: 1 }");
    List<HostPlan> plan = racks(3, 3, h -> "");
    MockFleet f = fleet(plan, d);
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch othersDone = new CountDownLatch(6);
    f.job(
        r -> {
          String host = r.target().host();
          if (host.equals("r1h1")) {
            held.countDown();
            try {
              assertTrue(
                  othersDone.await(30, TimeUnit.SECONDS),
                  "racks 2 and 3 did not finish while rack 1 was held");
            } catch (InterruptedException e) {
              throw new IllegalStateException(e);
            }
          } else if (!host.startsWith("r1")) {
            othersDone.countDown();
          }
          return MockFleet.OK;
        });
    runs.start(env, worker, client, d, f);
    assertTrue(held.await(30, TimeUnit.SECONDS));
    assertTrue(othersDone.await(30, TimeUnit.SECONDS), "the other racks waited for rack 1");
    assertEquals(9, runs.result().count(Outcome.SUCCEEDED));
    List<String> rack1 = f.jobs.stream().filter(j -> j.startsWith("r1")).toList();
    assertEquals(List.of("r1h1:work+claim", "r1h2:work+claim", "r1h3:work+claim"), rack1);
  }

  @Test
  void aTierStartsOnlyOnceEveryHostOfTheTierBeforeIsDone(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    Definition d =
        StrategyWorkflowTest.definition(
            3, "waves: [1, \"100%\"]\ntiers: { var: role, order: [replica, primary] }");
    // Rack by rack, each rack's first host its primary: the tiers reorder them.
    List<HostPlan> plan = racks(2, 3, h -> h.endsWith("h1") ? "primary" : "replica");
    MockFleet f = fleet(plan, d);
    // The last replica stays in its job until the rollout has taken the other replicas' ends: a
    // rollout that would start a primary then has started it in the same task.
    List<List<String>> whileLastReplicaRan = new java.util.concurrent.CopyOnWriteArrayList<>();
    f.job(
        r -> {
          if (r.target().host().equals("r2h3")) {
            whileLastReplicaRan.add(inFlightOnceDone(3));
          }
          return MockFleet.OK;
        });
    runs.start(env, worker, client, d, f);
    RolloutStatus done = runs.result();
    assertEquals(6, done.count(Outcome.SUCCEEDED));
    assertEquals(List.of(List.of("r2h3")), whileLastReplicaRan, "a primary started too soon");
    List<String> replicas = List.of("r1h2", "r1h3", "r2h2", "r2h3");
    List<MockFleet.Event> timeline = List.copyOf(f.timeline);
    int lastReplicaFinish = -1;
    int firstPrimaryStart = timeline.size();
    for (int i = 0; i < timeline.size(); i++) {
      MockFleet.Event e = timeline.get(i);
      if (e.kind().equals("finish") && replicas.contains(e.host())) {
        lastReplicaFinish = i;
      }
      if (e.kind().equals("prepare") && !replicas.contains(e.host())) {
        firstPrimaryStart = Math.min(firstPrimaryStart, i);
      }
    }
    assertTrue(
        lastReplicaFinish >= 0 && lastReplicaFinish < firstPrimaryStart,
        "a primary started before the replicas were done: " + timeline);
    assertEquals(
        List.of(1, 3, 1, 1), done.progress().waveSizes(), "waves start again in each tier");
    assertEquals(4, done.progress().wave());
    assertEquals(2, done.progress().tiers());
    assertEquals("primary", done.progress().tierName(), "the last tier walked");
  }
}

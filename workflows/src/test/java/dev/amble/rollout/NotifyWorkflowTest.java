package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.Notification;
import dev.amble.host.HostWorkflowImpl;
import dev.amble.host.Outcome;
import dev.amble.machine.TransitionVisits;
import dev.amble.notify.Delivery;
import dev.amble.notify.DeliveryActivities;
import dev.amble.notify.GivenUp;
import dev.amble.notify.Notice;
import dev.amble.notify.NoticeActivities;
import dev.amble.notify.NotifierClient;
import dev.amble.notify.NotifierWorkflow;
import dev.amble.notify.NotifierWorkflowImpl;
import dev.amble.notify.NotifyEvent;
import dev.amble.pages.PageWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Notifications in the rollout, with mocked deliveries: each event reaches the workspace's notifier
 * at the point it happens, a delivery that fails is retried by the notifier and gives up there (the
 * rollout neither waits nor fails), and the notifier stays bounded over continue-as-new.
 */
@ExtendWith(TransitionVisits.class)
class NotifyWorkflowTest {
  static final Duration GIVE_UP = Duration.ofMinutes(2);

  @RegisterExtension
  static final TestWorkflowExtension ENV =
      TestWorkflowExtension.newBuilder()
          .registerWorkflowImplementationTypes(
              TransitionVisits.OPTIONS,
              RolloutWorkflowImpl.class,
              HostWorkflowImpl.class,
              PageWorkflowImpl.class,
              NotifierWorkflowImpl.class)
          .setActivityImplementations(
              new WalkEndsBySignal(), new dev.amble.host.WalkStartActivitiesImpl())
          .setDoNotStart(true)
          .build();

  static final String WEBHOOK =
      """
      notify:
        - webhook: { url: "https://hooks.example.net/amble", secret_env: AMBLE_NOTIFY_HOOK_SECRET }
      """;

  final StrategyWorkflowTest rollout = new StrategyWorkflowTest();

  /** Every delivery tried, in order; {@link #down} says which targets refuse. */
  final List<Delivery> tried = new CopyOnWriteArrayList<>();

  final List<Delivery> delivered = new CopyOnWriteArrayList<>();
  Predicate<Notification.Target> down = t -> false;
  boolean refuseForGood;

  void register(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    NotifierClient notifiers = new NotifierClient(client, worker.getTaskQueue(), GIVE_UP);
    NoticeActivities hand = notifiers::hand;
    DeliveryActivities deliver =
        d -> {
          tried.add(d);
          if (down.test(d.notification().target())) {
            if (refuseForGood) {
              throw ApplicationFailure.newNonRetryableFailure("refused: 410", "Refused");
            }
            throw new IllegalStateException("connection refused");
          }
          delivered.add(d);
        };
    worker.registerActivitiesImplementations(hand);
    env.newWorker(NotifierWorkflow.deliveryQueue(worker.getTaskQueue()))
        .registerActivitiesImplementations(deliver);
  }

  List<String> kinds(List<Delivery> ds) {
    return ds.stream().map(d -> d.notice().event().kind()).toList();
  }

  @Test
  void aRetriedAndASkippedHostAreTold(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(3));
    java.util.Map<String, Integer> tries = new java.util.concurrent.ConcurrentHashMap<>();
    f.job(
        r ->
            tries.merge(r.target().host(), 1, Integer::sum) == 1 && r.target().host().equals("h01")
                ? StrategyWorkflowTest.FAILED
                : MockFleet.OK);
    Definition d = StrategyWorkflowTest.definition(1, WEBHOOK);
    RolloutWorkflow wf = rollout.start(env, worker, client, d, f);
    rollout.awaitPhase("caught");
    wf.skipHost(new HostSteering("h03", "op", "gone", ""));
    wf.retryHost(new HostSteering("h01", "op", "mirror fixed", ""));
    for (int i = 0; i < 1500 && wf.status().count(Outcome.SUCCEEDED) < 1; i++) {
      Thread.sleep(20);
    }
    wf.releaseRollout(ReleaseRequest.of(wf.status(), false, "op"));
    RolloutStatus done = rollout.result();
    assertEquals(2, done.count(Outcome.SUCCEEDED), done.toString());
    assertEquals(1, done.count(Outcome.SKIPPED), done.toString());
    awaitDelivered(7);
    assertEquals(
        List.of(
            "started", "caught", "host_steered", "host_steered", "released", "wave_done", "done"),
        kinds(delivered));
    NotifyEvent retried = delivered.get(3).notice().event();
    assertEquals("h01", retried.host());
    assertEquals("walked again by op: mirror fixed", retried.what());
    assertTrue(
        retried.act().contains("amble status -w fleet --host h01"), retried.act().toString());
  }

  @Test
  void eachEventReachesTheNotifierWhereItHappens(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(3));
    f.job(r -> r.target().host().equals("h02") ? StrategyWorkflowTest.FAILED : MockFleet.OK);
    Definition d = StrategyWorkflowTest.definition(1, WEBHOOK + "waves: [1, 2]");
    RolloutWorkflow wf = rollout.start(env, worker, client, d, f);
    rollout.awaitPhase("caught");
    wf.releaseRollout(ReleaseRequest.of(wf.status(), true, "op"));
    RolloutStatus done = rollout.result();
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    awaitDelivered(6);
    assertEquals(
        List.of("started", "wave_done", "caught", "released", "wave_done", "done"),
        kinds(delivered));
    NotifyEvent caught = delivered.get(2).notice().event();
    assertEquals("h02", caught.host());
    assertEquals("apply", caught.task());
    assertEquals("job work", caught.step());
    assertTrue(caught.act().contains("amble release -w fleet"), caught.act().toString());
    NotifyEvent first = delivered.get(0).notice().event();
    assertEquals("default", first.project());
    assertEquals("fleet", first.workspace());
    assertEquals("amble/default/fleet", first.workflowId());
    assertEquals(done.rollout(), first.rollout());
    assertEquals(
        6,
        delivered.stream().map(x -> x.notice().event().id()).distinct().count(),
        "each event has its own ID");
    NotifyEvent end = delivered.get(5).notice().event();
    assertEquals(2, end.counts().get("succeeded"));
    assertTrue(end.what().startsWith("done: 2 succeeded"), end.what());
  }

  @Test
  void temporalsCancellationStillSendsTheCancelledEvent(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(2));
    f.job(r -> StrategyWorkflowTest.FAILED);
    RolloutWorkflow wf =
        rollout.start(env, worker, client, StrategyWorkflowTest.definition(1, WEBHOOK), f);
    rollout.awaitPhase("caught");
    WorkflowStub.fromTyped(wf).cancel();
    awaitDelivered(3);
    assertEquals(List.of("started", "caught", "cancelled"), kinds(delivered));
    assertTrue(
        delivered.get(2).notice().event().what().startsWith("cancelled by Temporal's cancellation"),
        delivered.get(2).notice().event().what());
  }

  @Test
  void eventsGoOnAcrossTheRolloutsContinueAsNewEachWithItsOwnId(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    Definition d = StrategyWorkflowTest.definition(1, WEBHOOK + "waves: [1]");
    RolloutRequest request = RecordHistories.with(TestDefinitions.request(d, 1), false, 40);
    rollout.start(env, worker, client, request, new MockFleet(StrategyWorkflowTest.hosts(6)));
    RolloutStatus done = rollout.result();
    assertTrue(done.runs() > 1, "continued as new: " + done.runs());
    awaitDelivered(8);
    List<String> kinds = kinds(delivered);
    assertEquals("started", kinds.get(0));
    assertEquals(6, kinds.stream().filter("wave_done"::equals).count(), kinds.toString());
    assertEquals("done", kinds.get(kinds.size() - 1));
    assertEquals(8, kinds.size(), kinds.toString());
    assertEquals(8, delivered.stream().map(x -> x.notice().event().id()).distinct().count());
    assertTrue(
        delivered.stream().map(x -> x.notice().event().run()).distinct().count() > 1,
        "events of more than one run");
    assertTrue(
        delivered.stream().allMatch(x -> x.notice().event().rollout().equals(done.rollout())),
        "one rollout");
  }

  @Test
  void onlyTheEventsATargetNamesReachIt(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    Definition d =
        StrategyWorkflowTest.definition(
            1,
            """
            notify:
              - slack: { webhook_url_env: AMBLE_NOTIFY_SLACK_URL }
                events: [done, caught]
            """);
    rollout.start(env, worker, client, d, new MockFleet(StrategyWorkflowTest.hosts(2)));
    rollout.result();
    awaitDelivered(1);
    assertEquals(List.of("done"), kinds(delivered));
  }

  @Test
  void aDeliveryThatFailsGivesUpInTheNotifierAndTheRolloutGoesOnUnheld(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    down = t -> true;
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(2));
    rollout.start(
        env, worker, client, StrategyWorkflowTest.definition(1, WEBHOOK + "waves: [1]"), f);
    RolloutStatus done = rollout.result();
    assertEquals(2, done.count(Outcome.SUCCEEDED));
    NotifierWorkflow notifier =
        client.newWorkflowStub(
            NotifierWorkflow.class, NotifierWorkflow.workflowId("default", "fleet"));
    env.sleep(GIVE_UP.plusMinutes(1));
    List<GivenUp> givenUp = notifier.givenUp();
    // retried 5, 10, 20 and 40 s later, each delivery gave up 75 s after its event, when the next
    // wait would pass GIVE_UP: the rollout had ended by then, unheld
    com.google.protobuf.Timestamp t =
        client.fetchHistory("amble/default/fleet").getLastEvent().getEventTime();
    java.time.Instant ended = java.time.Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    assertTrue(
        givenUp.stream()
            .allMatch(g -> java.time.Instant.parse(g.at()).isAfter(ended.plusSeconds(60))),
        "the rollout ended while its deliveries were retried (workflow time): ended "
            + ended
            + ", "
            + givenUp);
    assertEquals(
        List.of("done", "started", "wave_done", "wave_done"),
        givenUp.stream().map(GivenUp::kind).sorted().toList());
    assertTrue(
        givenUp.get(0).describe().startsWith("delivery to webhook https://hooks.example.net/amble"),
        givenUp.get(0).describe());
    assertEquals("connection refused", givenUp.get(0).why());
    assertTrue(tried.size() > 8, "retried: " + tried.size());
    assertEquals(
        MockFleet.memo(client, "amble/default/fleet").phase(),
        "done",
        "the rollout's own record is untouched");
  }

  @Test
  void theRolloutsTimingIsTheSameWhetherDeliveriesSucceedOrFail(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    down = t -> true;
    MockFleet f = new MockFleet(StrategyWorkflowTest.hosts(3));
    rollout.start(
        env,
        worker,
        client,
        StrategyWorkflowTest.definition(
            1, WEBHOOK + "waves: [1]\npause_between_waves: 10m\nbake_time: 5m"),
        f);
    rollout.result();
    long took = rollout.at("finish", "h03") - rollout.at("prepare", "h01");
    // two pauses of 10 minutes, two bake times of 5 between the first and the last host: the
    // notifier's retries (up to two minutes each) add nothing
    assertTrue(took >= Duration.ofMinutes(30).toMillis(), "took " + took);
    assertTrue(took < Duration.ofMinutes(31).toMillis(), "took " + took);
  }

  @Test
  void theNotifierDropsANoticeSentTwiceAndKeepsOnlyTheLatestGivenUpAcrossContinueAsNew(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    register(env, worker, client);
    down = t -> true;
    refuseForGood = true;
    env.start();
    NotifierClient notifiers = new NotifierClient(client, worker.getTaskQueue(), GIVE_UP);
    Notification target =
        new Notification(
            new Notification.Webhook("https://hooks.example.net/amble", "AMBLE_NOTIFY_HOOK_SECRET"),
            List.of(),
            false);
    int notices = 130;
    for (int i = 0; i < notices; i++) {
      notifiers.hand(notice(i, target));
      if (i == 0) {
        notifiers.hand(notice(0, target)); // sent twice: delivered once
      }
    }
    String id = NotifierWorkflow.workflowId("p", "w");
    NotifierWorkflow notifier = client.newWorkflowStub(NotifierWorkflow.class, id);
    long deadline = System.currentTimeMillis() + 30_000;
    while (tried.size() < notices && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertEquals(notices, tried.size(), "each notice tried once, the one sent twice too");
    while (notifier.givenUp().stream().noneMatch(g -> g.event().equals("e129"))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    List<GivenUp> givenUp = notifier.givenUp();
    assertEquals(NotifierWorkflow.KEEP_GIVEN_UP, givenUp.size());
    assertTrue(
        // the first run handled 100 notices (e0 twice) and finished their deliveries before it
        // continued as new; the second run's 31 gave up last, in whatever order they completed
        givenUp.stream().allMatch(g -> Integer.parseInt(g.event().substring(1)) >= 99),
        "the latest kept, the oldest dropped: " + givenUp);
    assertTrue(
        !client
            .fetchHistory(id)
            .getHistory()
            .getEvents(0)
            .getWorkflowExecutionStartedEventAttributes()
            .getContinuedExecutionRunId()
            .isEmpty(),
        "the notifier continued as new");
  }

  static Notice notice(int i, Notification target) {
    return new Notice(
        new NotifyEvent(
            "e" + i,
            "caught",
            "p",
            "w",
            "amble/p/w",
            "r",
            "r",
            "2026-01-01T00:00:00Z",
            "caught by amble",
            "",
            "",
            "",
            List.of(),
            Map.of()),
        List.of(target),
        "default");
  }

  void awaitDelivered(int n) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (delivered.size() < n && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    Thread.sleep(200); // none more arrives
  }

  static Optional<String> none() {
    return Optional.empty();
  }
}

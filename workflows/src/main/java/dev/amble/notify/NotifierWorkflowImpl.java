package dev.amble.notify;

import dev.amble.amblefile.Notification;
import dev.amble.failure.Failures;
import dev.amble.failure.Retries;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Delivers each notice it is handed to each of its targets, each delivery on its own with its own
 * retries (so a receiver that is down holds up no other), until it succeeds or gives up after the
 * input's {@code giveUpAfter}. A notice whose event it delivered already is dropped. It continues
 * as new after {@link #NOTICES_PER_RUN} notices, once its deliveries are done, carrying only what
 * is bounded; idle for {@link #IDLE} it ends (its memo keeps the given-up deliveries).
 */
public class NotifierWorkflowImpl implements NotifierWorkflow {
  static final int NOTICES_PER_RUN = 100;
  static final Duration IDLE = Duration.ofDays(7);

  private final Deque<Notice> queued = new ArrayDeque<>();
  private final List<GivenUp> givenUp = new ArrayList<>();
  private final LinkedHashSet<String> seen = new LinkedHashSet<>();
  private final List<Promise<Void>> delivering = new ArrayList<>();
  private DeliveryActivities delivery;
  private int handled;

  @Override
  public void run(NotifierInput input) {
    delivery =
        Workflow.newActivityStub(
            DeliveryActivities.class,
            ActivityOptions.newBuilder()
                // on a worker of their own: a slow receiver holds no slot an Ansible job needs
                .setTaskQueue(NotifierWorkflow.deliveryQueue(Workflow.getInfo().getTaskQueue()))
                // an attempt is bounded by the worker's deadlines (30 s); it heartbeats while it
                // waits, so a worker that died with it is noticed within the heartbeat timeout
                .setStartToCloseTimeout(Duration.ofMinutes(1))
                .setHeartbeatTimeout(Duration.ofSeconds(20))
                .setScheduleToCloseTimeout(input.giveUpAfter())
                .setRetryOptions(Retries.backoff(Duration.ofSeconds(5), Duration.ofMinutes(5), 0))
                .build());
    givenUp.addAll(input.givenUp());
    seen.addAll(input.seen());
    List<Notice> carried = new ArrayList<>(input.queued());
    java.util.Collections.reverse(carried);
    carried.forEach(queued::addFirst); // before any notice signalled to this run already
    if (!givenUp.isEmpty()) {
      keepInMemo();
    }
    while (true) {
      boolean woke = Workflow.await(IDLE, () -> !queued.isEmpty() || continueAsNewDue());
      while (!queued.isEmpty() && handled < NOTICES_PER_RUN) {
        handle(queued.removeFirst());
      }
      delivering.removeIf(Promise::isCompleted);
      if (continueAsNewDue()) {
        Workflow.await(() -> !busy());
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(
            new NotifierInput(
                input.giveUpAfter(), givenUp, List.copyOf(seen), List.copyOf(queued)));
      }
      if (!woke && !busy()) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        if (queued.isEmpty()) {
          return; // a week idle: the next notice starts a new run
        }
      }
    }
  }

  private boolean busy() {
    return delivering.stream().anyMatch(p -> !p.isCompleted());
  }

  private boolean continueAsNewDue() {
    return handled >= NOTICES_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested();
  }

  private void handle(Notice notice) {
    handled++;
    if (!seen.add(notice.event().id())) {
      return; // sent twice: delivered once
    }
    while (seen.size() > KEEP_SEEN) {
      seen.remove(seen.iterator().next());
    }
    for (Notification n : notice.targets()) {
      delivering.add(Async.procedure(() -> deliver(notice, n)));
    }
  }

  private void deliver(Notice notice, Notification n) {
    try {
      delivery.deliver(new Delivery(notice, n));
    } catch (ActivityFailure failed) {
      givenUp.add(
          new GivenUp(
              n.target().describe(),
              notice.event().id(),
              notice.event().kind(),
              Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString(),
              Failures.oneLine(failed)));
      while (givenUp.size() > KEEP_GIVEN_UP) {
        givenUp.remove(0);
      }
      keepInMemo();
    }
  }

  private void keepInMemo() {
    Workflow.upsertMemo(Map.of(NotifierMemo.MEMO_KEY, new NotifierMemo(givenUp)));
  }

  @Override
  public void notice(Notice notice) {
    queued.addLast(notice);
  }

  @Override
  public List<GivenUp> givenUp() {
    return List.copyOf(givenUp);
  }
}

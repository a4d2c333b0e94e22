package dev.amble.notify;

import dev.amble.amblefile.Definition;
import dev.amble.amblefile.Notification;
import dev.amble.amblefile.Notification.Event;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout's events, handed to its workspace's notifier (a local activity that signals it): only
 * for a workspace with {@code notify:}, and only in a history that has the {@value #VERSION}
 * version marker, so every history recorded before notifications replays as it was. Handing a
 * notice never fails the rollout: a notice that could not be handed is dropped. Workflow code.
 */
public final class RolloutNotices {
  /** The version marker of histories that send notifications. */
  public static final String VERSION = "notifications";

  /** The rollout hands its events to the workspace's notifier. */
  public static final int SENDS = 1;

  private final Definition definition;
  private final List<Notification> notify;
  private final List<Promise<Void>> handing = new ArrayList<>();
  private Optional<Boolean> sends = Optional.empty();
  private Optional<NoticeActivities> hand = Optional.empty();

  /** The event's place in this run: with the run's ID, it makes the event's ID. */
  private int sequence;

  public RolloutNotices(Definition definition) {
    this.definition = definition;
    this.notify = definition.workspace().notifications();
  }

  /** Whether this history sends notifications: decided once per run, recorded as a marker. */
  public boolean sends() {
    if (notify.isEmpty()) {
      return false;
    }
    if (sends.isEmpty()) {
      sends = Optional.of(Workflow.getVersion(VERSION, Workflow.DEFAULT_VERSION, SENDS) == SENDS);
    }
    return sends.get();
  }

  public void started(String by, int total, int walk, int skipped) {
    emit(
        Event.STARTED,
        "rollout started by "
            + by
            + ": "
            + total
            + " hosts, "
            + walk
            + " to walk, "
            + skipped
            + " skipped",
        "",
        "",
        "",
        List.of(status(), command("catch")),
        Map.of());
  }

  /**
   * The rollout was caught: by amble for a host (the step and the Ansible task it failed in), by a
   * health check, or by an operator.
   */
  public void caught(String by, String reason, Optional<String> host, String step, String task) {
    emit(
        Event.CAUGHT,
        "caught by " + by + ": " + reason,
        host.orElse(""),
        step,
        task,
        List.of(
            status(),
            host.map(h -> command("logs") + " " + h).orElse(status()),
            command("release"),
            command("release") + " --skip-failed",
            command("cancel")),
        Map.of());
  }

  public void released(String by, boolean skipFailed) {
    released(by, skipFailed, List.of());
  }

  /** The rollout was released; {@code except}: failed hosts it left failed. */
  public void released(String by, boolean skipFailed, List<String> except) {
    emit(
        Event.RELEASED,
        "released by "
            + by
            + (skipFailed ? ", its failed hosts skipped" : "")
            + (except.isEmpty() ? "" : ", leaving " + String.join(", ", except) + " failed"),
        "",
        "",
        "",
        List.of(status()),
        Map.of());
  }

  /** One host steered by an operator: {@code what} says how ("walked again by ...", ...). */
  public void hostSteered(String host, String what) {
    emit(
        Event.HOST_STEERED,
        what,
        host,
        "",
        "",
        List.of(status(), command("status") + " --host " + host),
        Map.of());
  }

  public void waveDone(int wave, int waves, int failed) {
    emit(
        Event.WAVE_DONE,
        "wave " + wave + " of " + waves + " done, " + failed + " failed in it",
        "",
        "",
        "",
        List.of(status()),
        Map.of());
  }

  public void healthCheckFailed(String description, String onFailure) {
    emit(
        Event.HEALTH_CHECK_FAILED,
        description + " (on failure: " + onFailure + ")",
        "",
        "",
        "",
        List.of(status()),
        Map.of());
  }

  /** The rollout ended: {@code phase} is {@code done}, {@code cancelled} or {@code aborted}. */
  public void ended(String phase, String why, Map<String, Integer> counts) {
    Event kind =
        switch (phase) {
          case "cancelled" -> Event.CANCELLED;
          case "aborted" -> Event.ABORTED;
          default -> Event.DONE;
        };
    emit(kind, why, "", "", "", List.of(status()), counts);
  }

  /**
   * Waits until every notice was handed (quick: no delivery is waited for); one that could not be
   * handed is dropped. Before a continue-as-new and at the end.
   */
  public void flush() {
    for (Promise<Void> p : handing) {
      try {
        p.get();
      } catch (RuntimeException dropped) {
        // the notifier could not be reached: the rollout goes on without this notice
      }
    }
    handing.clear();
  }

  private String command(String verb) {
    return "amble " + verb + " -w " + definition.workspace().name();
  }

  private String status() {
    return command("status");
  }

  private void emit(
      Event kind,
      String what,
      String host,
      String step,
      String task,
      List<String> act,
      Map<String, Integer> counts) {
    if (!sends()) {
      return;
    }
    List<Notification> targets = notify.stream().filter(n -> n.wants(kind)).toList();
    sequence++;
    if (targets.isEmpty()) {
      return;
    }
    var info = Workflow.getInfo();
    NotifyEvent event =
        new NotifyEvent(
            info.getWorkflowId() + "/" + info.getRunId() + "/" + sequence,
            kind.word(),
            definition.project(),
            definition.workspace().name(),
            info.getWorkflowId(),
            info.getFirstExecutionRunId(),
            info.getRunId(),
            Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString(),
            what,
            host,
            step,
            task,
            act,
            counts);
    if (hand.isEmpty()) {
      hand =
          Optional.of(
              Workflow.newLocalActivityStub(
                  NoticeActivities.class,
                  LocalActivityOptions.newBuilder()
                      .setStartToCloseTimeout(Duration.ofSeconds(10))
                      .setScheduleToCloseTimeout(Duration.ofMinutes(1))
                      .setRetryOptions(
                          RetryOptions.newBuilder()
                              .setInitialInterval(Duration.ofSeconds(1))
                              .setMaximumAttempts(5)
                              .build())
                      .build()));
    }
    handing.add(Async.procedure(hand.get()::hand, new Notice(event, targets, info.getNamespace())));
  }
}

package dev.amble.notify;

import static dev.amble.notify.DeliveryActivitiesTest.delivery;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.amblefile.Notification;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Notifications tried as an attacker would: a definition that never went through the loader names
 * the worker's other variables; a mail server without STARTTLS waits for the login; receivers that
 * never answer or stream forever. Each failed on the code before the rule and the deadlines (the
 * variable's value reached the receivers; the login went in plain text; the streaming receiver was
 * read until the test's timeout; no heartbeat).
 */
@Timeout(120) // a hang is the bug these tests look for: fail rather than wait forever
class DeliveryAttackTest {
  static final String API_KEY = "temporal-api-key-5e1d";
  static final String BECOME = "become-password-c0de";
  static final String SMTP_PASSWORD = "smtp-password-77aa";

  static final Map<String, String> SMTP_LOGIN =
      Map.of("AMBLE_NOTIFY_SMTP_USER", "amble-bot", "AMBLE_NOTIFY_SMTP_PASSWORD", SMTP_PASSWORD);

  /** Short deadlines, so a test waits seconds. */
  static final DeliveryLimits SHORT =
      new DeliveryLimits(
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          Duration.ofSeconds(3),
          16 * 1024,
          Duration.ofMillis(100));

  final HttpReceiver receiver = new HttpReceiver();

  @AfterEach
  void stop() {
    receiver.close();
  }

  static DeliveryActivitiesImpl deliveries(Map<String, String> env, Runnable heartbeat) {
    return new DeliveryActivitiesImpl(
        env,
        e -> List.of(),
        Clock.systemUTC(),
        SHORT,
        heartbeat,
        p -> p == DeliveryActivitiesImpl.SMTPS_PORT,
        new Properties());
  }

  @Test
  void aDefinitionThatSkippedTheLoaderReadsNoneOfTheWorkersOtherVariables() throws Exception {
    Map<String, String> env =
        Map.of(
            "TEMPORAL_API_KEY", API_KEY,
            "AMBLE_BECOME_PASSWORD", BECOME,
            // the attacker's Slack "URL": the variable's value would be where the message goes
            "SLACK_WEBHOOK_URL", receiver.url("/stolen"));
    DeliveryActivitiesImpl d = deliveries(env, () -> {});
    try (FakeSmtp smtp = new FakeSmtp(FakeSmtp.Mode.PLAIN)) {
      List<Notification.Target> crafted =
          List.of(
              new Notification.Email(
                  List.of("thief@example.net"),
                  "amble@example.net",
                  "127.0.0.1",
                  smtp.port(),
                  Optional.of("AMBLE_BECOME_PASSWORD"),
                  Optional.of("TEMPORAL_API_KEY")),
              new Notification.Webhook(receiver.url("/hook"), "TEMPORAL_API_KEY"),
              new Notification.Slack("SLACK_WEBHOOK_URL"));
      for (Notification.Target t : crafted) {
        ApplicationFailure f =
            assertThrows(ApplicationFailure.class, () -> d.deliver(delivery(t, false)));
        assertTrue(f.isNonRetryable(), "given up at once: " + f.getOriginalMessage());
        assertTrue(
            f.getOriginalMessage().contains("which was not read")
                && f.getOriginalMessage().contains("AMBLE_NOTIFY_"),
            f.getOriginalMessage());
        assertFalse(f.getOriginalMessage().contains(API_KEY));
        assertFalse(f.getOriginalMessage().contains(BECOME));
      }
      // deliver() returns only after a receiver answered: nothing came to either of them
      assertNull(receiver.poll(), "no request reached the webhook or Slack receiver");
      assertTrue(smtp.lines.isEmpty(), "the mail server heard nothing: " + smtp.lines);
    }
  }

  /**
   * A notice handed straight to a workspace's notifier (as anyone who can signal a workflow can),
   * naming the worker's Temporal API key: the delivery gives up with the rule as its reason, and
   * the value reaches no receiver.
   */
  @Test
  void aCraftedNoticeGivesUpWithTheRuleAsItsReason() throws Exception {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    try {
      env.newWorker("q").registerWorkflowImplementationTypes(NotifierWorkflowImpl.class);
      env.newWorker(NotifierWorkflow.deliveryQueue("q"))
          .registerActivitiesImplementations(
              deliveries(
                  Map.of("TEMPORAL_API_KEY", receiver.url("/stolen?" + API_KEY)),
                  DeliveryActivitiesImpl.ACTIVITY_HEARTBEAT));
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      new NotifierClient(client, "q", Duration.ofMinutes(10))
          .hand(
              new Notice(
                  DeliveryActivitiesTest.caught(),
                  List.of(
                      new Notification(
                          new Notification.Slack("TEMPORAL_API_KEY"), List.of(), false)),
                  "default"));
      String id = NotifierWorkflow.workflowId("default", "fleet");
      env.sleep(NotifierWorkflowImpl.IDLE.plusDays(1)); // the notifier ends, idle
      client.newUntypedWorkflowStub(id).getResult(Void.class);
      List<GivenUp> givenUp = client.newWorkflowStub(NotifierWorkflow.class, id).givenUp();
      assertEquals(1, givenUp.size(), givenUp.toString());
      assertTrue(
          givenUp.get(0).why().contains("names the variable TEMPORAL_API_KEY, which was not read"),
          givenUp.get(0).why());
      assertFalse(givenUp.get(0).describe().contains(API_KEY));
      assertNull(receiver.poll(), "the variable's value (a URL here) was never used");
    } finally {
      env.close();
    }
  }

  @Test
  void anSmtpServerWithoutStarttlsNeverReceivesTheLogin() throws Exception {
    try (FakeSmtp smtp = new FakeSmtp(FakeSmtp.Mode.PLAIN)) {
      ApplicationFailure f =
          assertThrows(
              ApplicationFailure.class,
              () ->
                  deliveries(SMTP_LOGIN, () -> {})
                      .deliver(delivery(DeliveryActivitiesTest.email(smtp.port(), true), false)));
      assertTrue(f.isNonRetryable());
      assertTrue(f.getOriginalMessage().contains("offers no STARTTLS"), f.getOriginalMessage());
      smtp.hungUp.await();
      assertTrue(
          smtp.lines.stream().anyMatch(l -> l.startsWith("EHLO")),
          "the server was reached: " + smtp.lines);
      String plain =
          Base64.getEncoder()
              .encodeToString(("\0amble-bot\0" + SMTP_PASSWORD).getBytes(StandardCharsets.UTF_8));
      String login =
          Base64.getEncoder().encodeToString(SMTP_PASSWORD.getBytes(StandardCharsets.UTF_8));
      for (String l : smtp.lines) {
        assertFalse(l.toUpperCase(java.util.Locale.ROOT).startsWith("AUTH"), l);
        assertFalse(l.contains(SMTP_PASSWORD) || l.contains(plain) || l.contains(login), l);
      }
    }
  }

  @Test
  void anSmtpServerThatGreetsForeverIsCutOffAtTheCap() throws Exception {
    try (FakeSmtp smtp = new FakeSmtp(FakeSmtp.Mode.ENDLESS)) {
      ApplicationFailure f =
          assertThrows(
              ApplicationFailure.class,
              () ->
                  deliveries(Map.of(), () -> {})
                      .deliver(delivery(DeliveryActivitiesTest.email(smtp.port(), false), false)));
      assertFalse(f.isNonRetryable(), "retried: " + f.getOriginalMessage());
      smtp.hungUp.await();
    }
  }

  @Test
  void aReceiverThatStreamsForeverIsReadUpToTheCapAndHungUpOn() throws Exception {
    try (StuckReceiver stuck = new StuckReceiver(StuckReceiver.Mode.STREAMS_FOREVER)) {
      DeliveryActivitiesImpl d = deliveries(Map.of("AMBLE_NOTIFY_HOOK", "s"), () -> {});
      d.deliver(delivery(new Notification.Webhook(stuck.url(), "AMBLE_NOTIFY_HOOK"), false));
      stuck.hungUp.await(); // the sender closed the connection: nothing reads the rest
      assertWorkerStillDelivers(d);
    }
  }

  @Test
  void aReceiverThatDripsForeverCostsOneAttemptOfTheTotalDeadline() throws Exception {
    try (StuckReceiver stuck = new StuckReceiver(StuckReceiver.Mode.DRIPS_FOREVER)) {
      DeliveryActivitiesImpl d = deliveries(Map.of("AMBLE_NOTIFY_HOOK", "s"), () -> {});
      ApplicationFailure f =
          assertThrows(
              ApplicationFailure.class,
              () ->
                  d.deliver(
                      delivery(new Notification.Webhook(stuck.url(), "AMBLE_NOTIFY_HOOK"), false)));
      assertEquals("the webhook did not finish within 3s", f.getOriginalMessage());
      assertFalse(f.isNonRetryable());
      stuck.hungUp.await();
      assertWorkerStillDelivers(d);
    }
  }

  /** As the worker runs it: the activity heartbeats while it waits for a receiver that is stuck. */
  @Test
  void aReceiverThatNeverAnswersCostsOneAttemptAndTheActivityHeartbeatsMeanwhile()
      throws Exception {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    try (StuckReceiver stuck = new StuckReceiver(StuckReceiver.Mode.NEVER_ANSWERS)) {
      AtomicInteger beats = new AtomicInteger();
      env.setActivityHeartbeatListener(Void.class, details -> beats.incrementAndGet());
      DeliveryActivitiesImpl d =
          deliveries(Map.of("AMBLE_NOTIFY_HOOK", "s"), DeliveryActivitiesImpl.ACTIVITY_HEARTBEAT);
      env.registerActivitiesImplementations(d);
      DeliveryActivities activity =
          env.newActivityStub(
              DeliveryActivities.class,
              ActivityOptions.newBuilder()
                  .setStartToCloseTimeout(Duration.ofMinutes(1))
                  .setHeartbeatTimeout(Duration.ofSeconds(20))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build());
      ActivityFailure f =
          assertThrows(
              ActivityFailure.class,
              () ->
                  activity.deliver(
                      delivery(new Notification.Webhook(stuck.url(), "AMBLE_NOTIFY_HOOK"), false)));
      assertEquals(
          "the webhook did not answer within 2s",
          ((ApplicationFailure) f.getCause()).getOriginalMessage());
      assertTrue(beats.get() > 0, "the activity heartbeat while it waited");
      stuck.hungUp.await();
      assertWorkerStillDelivers(activity);
    } finally {
      env.close();
    }
  }

  /** After a stuck receiver, the same deliveries serve the next receiver. */
  private void assertWorkerStillDelivers(DeliveryActivities d) throws InterruptedException {
    d.deliver(delivery(new Notification.Webhook(receiver.url("/ok"), "AMBLE_NOTIFY_HOOK"), false));
    assertEquals("/ok", receiver.next().path());
  }
}

package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Notification;
import dev.amble.cli.look.NotificationStatus;
import dev.amble.notify.DeliveryActivitiesImpl;
import dev.amble.notify.GivenUp;
import dev.amble.notify.HttpReceiver;
import dev.amble.notify.Notice;
import dev.amble.notify.NotifierClient;
import dev.amble.notify.NotifierWorkflowImpl;
import dev.amble.notify.NotifyEvent;
import dev.amble.rollout.Caught;
import dev.amble.rollout.Progress;
import dev.amble.rollout.RolloutSummary;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivery to a receiver that is down gives up in the workspace's notifier and shows in {@code
 * amble status} (text and JSON); {@code amble notify test} sends to each target and names the one
 * that failed.
 */
class NotifyCliTest {
  @TempDir Path dir;

  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "hook-secret-5d1e";

  final HttpReceiver receiver = new HttpReceiver();

  @AfterEach
  void stop() {
    receiver.close();
  }

  static String amblefile(String notify) {
    return TemporalTroubleCliTest.AMBLEFILE.replace(
        "  fleet: { host_pattern: fleet, workflow: patch, inventory: inventory.yml }\n",
        """
          fleet:
            host_pattern: fleet
            workflow: patch
            inventory: inventory.yml
            notify:
        %s
        """
            .formatted(notify.strip().indent(6).stripTrailing()));
  }

  @Test
  void aDeliveryToAReceiverThatIsDownGivesUpAndStatusSaysSo() throws Exception {
    String hook = "http://" + TemporalTroubleCliTest.closedPort() + "/amble";
    TemporalTroubleCliTest.amblefile(
        dir,
        amblefile("- webhook: { url: \"" + hook + "\", secret_env: AMBLE_NOTIFY_HOOK_SECRET }"));
    try (TestTemporal temporal = TestTemporal.start();
        NoWorkerCliTest.Client c = new NoWorkerCliTest.Client(temporal)) {
      WorkerFactory factory = WorkerFactory.newInstance(c.client);
      Worker worker = factory.newWorker("notify-test");
      worker.registerWorkflowImplementationTypes(NotifierWorkflowImpl.class);
      factory
          .newWorker(dev.amble.notify.NotifierWorkflow.deliveryQueue("notify-test"))
          .registerActivitiesImplementations(
              new DeliveryActivitiesImpl(
                  Map.of("AMBLE_NOTIFY_HOOK_SECRET", SECRET), e -> List.of(), Clock.systemUTC()));
      factory.start();
      try {
        new NotifierClient(c.client, "notify-test", Duration.ofSeconds(3))
            .hand(
                new Notice(
                    new NotifyEvent(
                        "amble/default/fleet/run-1/1",
                        "started",
                        "default",
                        "fleet",
                        "amble/default/fleet",
                        "run-1",
                        "run-1",
                        "2026-11-29T05:00:00Z",
                        "rollout started by ops@host",
                        "",
                        "",
                        "",
                        List.of(),
                        Map.of()),
                    List.of(
                        new Notification(
                            new Notification.Webhook(hook, "AMBLE_NOTIFY_HOOK_SECRET"),
                            List.of(),
                            false)),
                    "default"));
        long deadline = System.currentTimeMillis() + 60_000;
        List<GivenUp> givenUp = List.of();
        while (givenUp.isEmpty() && System.currentTimeMillis() < deadline) {
          Thread.sleep(100);
          givenUp = NotificationStatus.givenUp(c.client, "default", "fleet");
        }
        assertEquals(1, givenUp.size());
      } finally {
        factory.shutdownNow();
      }
      c.start(
          "amble/default/fleet",
          new RolloutSummary(
              "fleet",
              "patch",
              "ops@host",
              false,
              "walking",
              1,
              Map.of(),
              1,
              List.of(),
              List.of(),
              Caught.NO,
              Progress.NONE,
              "run-1",
              1L,
              "",
              "",
              0,
              0));
      CliRun status = CliRun.run(dir, temporal.env(), "status");
      assertTrue(status.out().contains("Notifications: 1 delivery gave up"), status.toString());
      assertTrue(
          status.out().contains("  delivery to webhook " + hook + " gave up at "),
          status.toString());
      assertTrue(
          status
              .out()
              .contains(": connection refused (started event amble/default/fleet/run-1/1)\n"),
          status.toString());
      assertFalse(status.out().contains(SECRET));

      CliRun json = CliRun.run(dir, temporal.env(), "status", "--output", "json");
      JsonNode g = JSON.readTree(json.out()).path("notifications").path("givenUp").path(0);
      assertEquals("webhook " + hook, g.path("target").asText(), json.toString());
      assertEquals("connection refused", g.path("why").asText());
      assertEquals("started", g.path("kind").asText());
    }
  }

  @Test
  void notifyTestSendsToEachTargetAndNamesTheOneThatFailed() throws Exception {
    String down = "http://" + TemporalTroubleCliTest.closedPort() + "/down";
    TemporalTroubleCliTest.amblefile(
        dir,
        amblefile(
            """
            - webhook: { url: "%s", secret_env: AMBLE_NOTIFY_HOOK_SECRET }
            - slack: { webhook_url_env: AMBLE_NOTIFY_SLACK_URL }
              events: [done]
            - webhook: { url: "%s", secret_env: AMBLE_NOTIFY_HOOK_SECRET }
            """
                .formatted(receiver.url("/hook"), down)));
    Map<String, String> env = new HashMap<>();
    env.put("AMBLE_NOTIFY_HOOK_SECRET", SECRET);
    env.put("AMBLE_NOTIFY_SLACK_URL", receiver.url("/slack/T0/B0/SECRETPATH"));
    CliRun run = CliRun.run(dir, env, "notify", "test", "-w", "fleet");
    assertEquals(1, run.code(), run.toString());
    assertTrue(run.out().contains("webhook " + receiver.url("/hook") + ": sent\n"), run.toString());
    assertTrue(run.out().contains("slack $AMBLE_NOTIFY_SLACK_URL: sent\n"), run.toString());
    assertTrue(
        run.err().contains("amble: webhook " + down + ": failed: connection refused\n"),
        run.toString());
    assertTrue(run.err().contains("1 of 3 targets failed: webhook " + down), run.toString());
    assertFalse(run.toString().contains("SECRETPATH"), "the Slack URL is a secret");
    HttpReceiver.Request hook = receiver.next();
    HttpReceiver.Request slack = receiver.next();
    assertEquals("/hook", hook.path());
    assertEquals("test", JSON.readTree(hook.body()).path("kind").asText(), hook.body());
    assertEquals("/slack/T0/B0/SECRETPATH", slack.path());
    assertTrue(slack.body().startsWith("{\"text\":"), slack.body());

    CliRun usage = CliRun.run(dir, env, "notify");
    assertEquals(0, usage.code(), usage.toString());
    assertTrue(usage.out().contains("Commands:\n  test "), usage.toString());

    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CliRun none = CliRun.run(dir, env, "notify", "test", "-w", "fleet");
    assertEquals(2, none.code(), none.toString());
    assertTrue(none.err().contains("workspace fleet has no notify:"), none.toString());
  }
}

package dev.amble.notify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.amble.amblefile.Notification;
import io.temporal.failure.ApplicationFailure;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deliveries against local receivers: an HTTP server (com.sun.net.httpserver) checks the
 * webhook's body and signature and the Slack payload; GreenMail receives the e-mail. No secret is
 * in any message.
 */
class DeliveryActivitiesTest {
  static final String HOOK_SECRET = "hook-secret-7f3a";
  static final String SMTP_PASSWORD = "smtp-password-91c2";
  static final Instant NOW = Instant.parse("2026-11-29T05:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  final HttpReceiver receiver = new HttpReceiver();

  @AfterEach
  void stop() {
    receiver.close();
  }

  static NotifyEvent caught() {
    return new NotifyEvent(
        "amble/default/fleet/run-2/3",
        "caught",
        "default",
        "fleet",
        "amble/default/fleet",
        "run-1",
        "run-2",
        "2026-11-29T04:59:00Z",
        "caught by amble: host h02 failed: job work: task 'apply' (ansible.builtin.command) failed",
        "h02",
        "job work",
        "apply",
        List.of("amble status -w fleet", "amble release -w fleet"),
        Map.of());
  }

  static Delivery delivery(Notification.Target t, boolean output) {
    return new Delivery(
        new Notice(caught(), List.of(), "default"), new Notification(t, List.of(), output));
  }

  /** An e-mail to ops@example.net through 127.0.0.1:PORT; logging in when given a login. */
  static Notification.Email email(int port, boolean login) {
    return new Notification.Email(
        List.of("ops@example.net"),
        "amble@example.net",
        "127.0.0.1",
        port,
        login ? Optional.of("AMBLE_NOTIFY_SMTP_USER") : Optional.empty(),
        login ? Optional.of("AMBLE_NOTIFY_SMTP_PASSWORD") : Optional.empty());
  }

  /** A free port for a server that takes a port number. */
  static int freePort() throws java.io.IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  DeliveryActivitiesImpl deliveries(Map<String, String> env) {
    return new DeliveryActivitiesImpl(
        env,
        e -> List.of("fatal: [h02]: FAILED! => rc=1", "stderr: disk full"),
        Clock.fixed(NOW, ZoneOffset.UTC),
        DeliveryLimits.DEFAULT,
        () -> {},
        p -> p == DeliveryActivitiesImpl.SMTPS_PORT,
        new Properties());
  }

  @Test
  void aWebhookGetsTheEventAsJsonSignedOverTheTimeAndTheBody() throws Exception {
    deliveries(
            Map.of(
                "AMBLE_NOTIFY_HOOK_SECRET", HOOK_SECRET, "AMBLE_UI_URL", "http://ui.example:8233/"))
        .deliver(
            delivery(
                new Notification.Webhook(receiver.url("/amble"), "AMBLE_NOTIFY_HOOK_SECRET"),
                false));
    HttpReceiver.Request r = receiver.next();
    assertEquals("/amble", r.path());
    String signature = r.headers().get("Amble-signature").get(0);
    long t = NOW.getEpochSecond();
    assertEquals(
        "t=" + t + ",v1=" + WebhookSignature.hmac(HOOK_SECRET, t + "." + r.body()), signature);
    // the same check in a few lines, as a receiver writes it (README): the signature is over the
    // exact bytes received
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(
        new javax.crypto.spec.SecretKeySpec(
            HOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String expected =
        java.util.HexFormat.of()
            .formatHex(mac.doFinal((t + "." + r.body()).getBytes(StandardCharsets.UTF_8)));
    assertTrue(signature.endsWith(",v1=" + expected));
    JsonNode body = JSON.readTree(r.body());
    assertEquals("amble/default/fleet/run-2/3", body.path("id").asText());
    assertEquals("caught", body.path("kind").asText());
    assertEquals("fleet", body.path("workspace").asText());
    assertEquals("h02", body.path("host").asText());
    assertEquals("apply", body.path("task").asText());
    assertEquals("amble release -w fleet", body.path("act").path(1).asText());
    assertEquals(
        "http://ui.example:8233/namespaces/default/workflows/amble%2Fdefault%2Ffleet/run-2/history",
        body.path("link").asText());
    assertEquals("amble/default/fleet/run-2/3", r.headers().get("Amble-event-id").get(0));
    assertFalse(r.body().contains(HOOK_SECRET));
    assertFalse(r.body().contains("disk full"), "a webhook never gets output lines");
  }

  @Test
  void slackGetsTextWithTheCommandsAndTheOutputLinesOnlyWhenAskedFor() throws Exception {
    String url = receiver.url("/services/T000/B000/XXXX");
    DeliveryActivitiesImpl d = deliveries(Map.of("AMBLE_NOTIFY_SLACK_URL", url));
    d.deliver(delivery(new Notification.Slack("AMBLE_NOTIFY_SLACK_URL"), true));
    HttpReceiver.Request r = receiver.next();
    assertEquals("/services/T000/B000/XXXX", r.path());
    JsonNode payload = JSON.readTree(r.body());
    assertEquals(1, payload.size(), "Slack's incoming webhook payload: {\"text\": ...}");
    String text = payload.path("text").asText();
    assertTrue(text.startsWith("amble: workspace fleet of project default: caught by amble"), text);
    assertTrue(text.contains("host: h02\nstep: job work\ntask: apply\n"), text);
    assertTrue(text.contains("  amble release -w fleet\n"), text);
    assertTrue(text.contains("  stderr: disk full\n"), text);
    assertTrue(text.contains("event amble/default/fleet/run-2/3"), text);
    assertFalse(text.contains("Web UI"), "no link without AMBLE_UI_URL");
    assertFalse(text.contains("XXXX"), "the webhook URL is a secret");

    d.deliver(delivery(new Notification.Slack("AMBLE_NOTIFY_SLACK_URL"), false));
    String plain = JSON.readTree(receiver.next().body()).path("text").asText();
    assertFalse(plain.contains("disk full"), "no output lines unless include_output");
  }

  @Test
  void aReceiverThatIsDownIsRetriedAndOneThatRefusesIsNot() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    DeliveryActivitiesImpl d = deliveries(Map.of("AMBLE_NOTIFY_HOOK_SECRET", HOOK_SECRET));
    ApplicationFailure down =
        assertThrows(
            ApplicationFailure.class,
            () ->
                d.deliver(
                    delivery(
                        new Notification.Webhook(
                            "http://127.0.0.1:" + closed + "/", "AMBLE_NOTIFY_HOOK_SECRET"),
                        false)));
    assertEquals("connection refused", down.getOriginalMessage());
    assertFalse(down.isNonRetryable());

    receiver.answer = 404;
    ApplicationFailure refused =
        assertThrows(
            ApplicationFailure.class,
            () ->
                d.deliver(
                    delivery(
                        new Notification.Webhook(receiver.url("/"), "AMBLE_NOTIFY_HOOK_SECRET"),
                        false)));
    assertEquals("the webhook answered HTTP 404", refused.getOriginalMessage());
    assertTrue(refused.isNonRetryable());
    receiver.answer = 503;
    assertFalse(
        assertThrows(
                ApplicationFailure.class,
                () ->
                    d.deliver(
                        delivery(
                            new Notification.Webhook(receiver.url("/"), "AMBLE_NOTIFY_HOOK_SECRET"),
                            false)))
            .isNonRetryable());
  }

  @Test
  void aSecretNotSetOnTheWorkerIsNamedAndNotRetried() {
    ApplicationFailure f =
        assertThrows(
            ApplicationFailure.class,
            () ->
                deliveries(Map.of())
                    .deliver(delivery(new Notification.Slack("AMBLE_NOTIFY_SLACK_URL"), false)));
    assertEquals(
        "the environment variable AMBLE_NOTIFY_SLACK_URL is not set on the worker",
        f.getOriginalMessage());
    assertTrue(f.isNonRetryable());
  }

  @Test
  void anEmailArrivesOverSmtpsAfterALogin() throws Exception {
    int port = freePort();
    GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS));
    smtp.start();
    // GreenMail's certificate is its own: trust it here, as a worker trusts its mail server's CA
    Properties trust = new Properties();
    trust.put("mail.smtps.ssl.trust", "*");
    trust.put("mail.smtps.ssl.checkserveridentity", "false");
    try {
      smtp.setUser("amble@example.net", "amble-bot", SMTP_PASSWORD);
      new DeliveryActivitiesImpl(
              Map.of(
                  "AMBLE_NOTIFY_SMTP_USER",
                  "amble-bot",
                  "AMBLE_NOTIFY_SMTP_PASSWORD",
                  SMTP_PASSWORD),
              e -> List.of("fatal: [h02]: FAILED! => rc=1", "stderr: disk full"),
              Clock.fixed(NOW, ZoneOffset.UTC),
              DeliveryLimits.DEFAULT,
              () -> {},
              p -> p == port,
              trust)
          .deliver(
              delivery(
                  new Notification.Email(
                      List.of("ops@example.net", "oncall@example.net"),
                      "amble@example.net",
                      "127.0.0.1",
                      port,
                      Optional.of("AMBLE_NOTIFY_SMTP_USER"),
                      Optional.of("AMBLE_NOTIFY_SMTP_PASSWORD")),
                  true));
      assertTrue(smtp.waitForIncomingEmail(10_000, 2));
      MimeMessage m = smtp.getReceivedMessages()[0];
      assertEquals("[amble] default/fleet: caught", m.getSubject());
      assertEquals("amble@example.net", m.getFrom()[0].toString());
      assertEquals("amble/default/fleet/run-2/3", m.getHeader("Amble-Event-Id")[0]);
      String body = ((String) m.getContent()).replace("\r\n", "\n");
      assertTrue(body.contains("host: h02\n"), body);
      assertTrue(body.contains("  amble release -w fleet\n"), body);
      assertTrue(body.contains("  stderr: disk full\n"), body);
      assertFalse(body.contains(SMTP_PASSWORD));
    } finally {
      smtp.stop();
    }
  }

  @Test
  void anEmailWithoutALoginGoesOverPlainSmtpWhenTheServerOffersNoStarttls() throws Exception {
    int port = freePort();
    GreenMail smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    try {
      deliveries(Map.of()).deliver(delivery(email(port, false), false));
      assertTrue(smtp.waitForIncomingEmail(10_000, 1));
      assertEquals("[amble] default/fleet: caught", smtp.getReceivedMessages()[0].getSubject());
    } finally {
      smtp.stop();
    }
  }
}

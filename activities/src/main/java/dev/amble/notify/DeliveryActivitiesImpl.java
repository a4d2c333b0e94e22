package dev.amble.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.amble.amblefile.Notification;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Sends a notice: a signed JSON POST to a webhook, a message to a Slack incoming webhook, or an
 * e-mail over SMTP. Secrets come from this worker's environment, by the names the Amblefile gives,
 * and go nowhere but to their receiver: not into errors, history or logs. The Web UI link comes
 * from the worker's {@value #UI_URL}.
 */
public final class DeliveryActivitiesImpl implements DeliveryActivities {
  /** The Temporal Web UI's address, for links in messages. */
  public static final String UI_URL = "AMBLE_UI_URL";

  static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> env;
  private final Function<NotifyEvent, List<String>> output;
  private final Clock clock;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(TIMEOUT)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /**
   * @param env the worker's environment: secrets by name, and {@value #UI_URL}
   * @param output a caught host's failed task output lines, for targets that include them
   */
  public DeliveryActivitiesImpl(
      Map<String, String> env, Function<NotifyEvent, List<String>> output, Clock clock) {
    this.env = Map.copyOf(env);
    this.output = output;
    this.clock = clock;
  }

  @Override
  public void deliver(Delivery d) {
    Notification n = d.notification();
    Optional<String> link = NoticeText.link(Optional.ofNullable(env.get(UI_URL)), d.notice());
    if (n.target() instanceof Notification.Webhook w) {
      webhook(w, d.notice(), link);
    } else if (n.target() instanceof Notification.Slack s) {
      slack(s, NoticeText.body(d.notice(), link, lines(n, d.notice())));
    } else if (n.target() instanceof Notification.Email e) {
      email(e, d.notice(), link, lines(n, d.notice()));
    }
  }

  private List<String> lines(Notification n, Notice notice) {
    if (!n.includeOutput() || notice.event().host().isEmpty()) {
      return List.of();
    }
    try {
      return output.apply(notice.event());
    } catch (RuntimeException unreadable) {
      return List.of(
          "(the output could not be read: " + unreadable.getClass().getSimpleName() + ")");
    }
  }

  /** The webhook's body: the event, and the link when there is one. */
  static String webhookBody(Notice notice, Optional<String> link) {
    ObjectNode body = JSON.valueToTree(notice.event());
    body.put("namespace", notice.namespace());
    link.ifPresent(l -> body.put("link", l));
    try {
      return JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void webhook(Notification.Webhook w, Notice notice, Optional<String> link) {
    String secret = secret(w.secretEnv());
    String body = webhookBody(notice, link);
    long now = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(w.url()))
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .header("User-Agent", "amble")
            .header("Amble-Event", notice.event().kind())
            .header("Amble-Event-Id", notice.event().id())
            .header(WebhookSignature.HEADER, WebhookSignature.header(secret, now, body))
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    post(request, "the webhook", List.of(secret));
  }

  private void slack(Notification.Slack s, String text) {
    String url = secret(s.webhookUrlEnv());
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw DeliveryException.refused(
          "$" + s.webhookUrlEnv() + " is not a URL (its value is not shown: it is a secret)");
    }
    ObjectNode payload = JSON.createObjectNode();
    payload.put("text", text);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload.toString(), StandardCharsets.UTF_8))
            .build();
    post(request, "Slack", List.of(url));
  }

  private void post(HttpRequest request, String who, List<String> secrets) {
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw DeliveryException.retried("connection refused");
    } catch (HttpTimeoutException e) {
      throw DeliveryException.retried("timed out after " + TIMEOUT.toSeconds() + "s");
    } catch (IOException e) {
      throw DeliveryException.retried(scrub(describe(e), secrets));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DeliveryException.retried("interrupted");
    }
    int code = response.statusCode();
    if (code / 100 == 2) {
      return;
    }
    String message = who + " answered HTTP " + code;
    if (code == 408 || code == 429 || code >= 500) {
      throw DeliveryException.retried(message);
    }
    throw DeliveryException.refused(message);
  }

  private void email(
      Notification.Email e, Notice notice, Optional<String> link, List<String> output) {
    Optional<String> user = e.userEnv().map(this::secret);
    Optional<String> password = e.passwordEnv().map(this::secret);
    Properties p = new Properties();
    p.put("mail.smtp.host", e.smtpHost());
    p.put("mail.smtp.port", String.valueOf(e.smtpPort()));
    p.put("mail.smtp.starttls.enable", "true"); // STARTTLS whenever the server offers it
    p.put("mail.smtp.auth", String.valueOf(user.isPresent()));
    p.put("mail.smtp.connectiontimeout", String.valueOf(TIMEOUT.toMillis()));
    p.put("mail.smtp.timeout", String.valueOf(TIMEOUT.toMillis()));
    p.put("mail.smtp.writetimeout", String.valueOf(TIMEOUT.toMillis()));
    Session session = Session.getInstance(p);
    List<String> secrets = new ArrayList<>();
    user.ifPresent(secrets::add);
    password.ifPresent(secrets::add);
    try {
      MimeMessage m = new MimeMessage(session);
      m.setFrom(new InternetAddress(e.from()));
      for (String to : e.to()) {
        m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
      }
      m.setSubject(NoticeText.subject(notice.event()), "UTF-8");
      m.setHeader("Amble-Event-Id", NoticeText.oneLine(notice.event().id()));
      m.setText(NoticeText.body(notice, link, output), "UTF-8");
      if (user.isPresent()) {
        Transport.send(m, user.get(), password.orElse(""));
      } else {
        Transport.send(m);
      }
    } catch (jakarta.mail.AuthenticationFailedException x) {
      throw DeliveryException.refused("the SMTP server refused the login");
    } catch (MessagingException x) {
      throw DeliveryException.retried(
          scrub("SMTP " + e.smtpHost() + ":" + e.smtpPort() + ": " + describe(x), secrets));
    }
  }

  private String secret(String name) {
    String value = env.get(name);
    if (value == null || value.isEmpty()) {
      throw DeliveryException.refused(
          "the environment variable " + name + " is not set on the worker");
    }
    return value;
  }

  private static String describe(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof ConnectException) {
      return "connection refused";
    }
    String m = root.getMessage();
    return (m == null ? root.getClass().getSimpleName() : m).replaceAll("\\s+", " ").strip();
  }

  /** The message, each secret in it replaced. */
  static String scrub(String message, List<String> secrets) {
    String m = message;
    for (String s : secrets) {
      if (!s.isEmpty()) {
        m = m.replace(s, "(secret)");
      }
    }
    return m;
  }
}

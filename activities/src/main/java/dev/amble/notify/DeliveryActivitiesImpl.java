package dev.amble.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.base.Supplier;
import com.google.common.base.Suppliers;
import dev.amble.amblefile.Notification;
import io.temporal.activity.Activity;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * Sends a notice: a signed JSON POST to a webhook, a message to a Slack incoming webhook, or an
 * e-mail over SMTP. Secrets come from this worker's environment, by the names the Amblefile gives,
 * only from variables named {@code AMBLE_NOTIFY_*} (checked here again: a definition may come from
 * anyone who can start a workflow, not through the loader), and go nowhere but to their receiver:
 * not into errors, history or logs. A login goes to an SMTP server only over TLS. Every attempt is
 * bounded ({@link DeliveryLimits}): connect, read and total deadlines and a cap on the reply, and
 * the activity heartbeats while it waits. The Web UI link comes from the worker's {@value #UI_URL}.
 */
public final class DeliveryActivitiesImpl implements DeliveryActivities {
  /** The Temporal Web UI's address, for links in messages. */
  public static final String UI_URL = "AMBLE_UI_URL";

  /** The SMTP port that speaks TLS from the start (SMTPS); any other gets STARTTLS. */
  static final int SMTPS_PORT = 465;

  /** Heartbeats the activity this thread runs. */
  static final Runnable ACTIVITY_HEARTBEAT = () -> Activity.getExecutionContext().heartbeat(null);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> env;
  private final Function<NotifyEvent, List<String>> output;
  private final Clock clock;
  private final DeliveryLimits limits;
  private final Runnable heartbeat;
  private final IntPredicate smtps;
  private final Properties mailTls;
  private final Supplier<HttpClient> http;
  private final ExecutorService smtpThreads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "amble-notify-smtp");
            t.setDaemon(true);
            return t;
          });

  /**
   * Deliveries as the worker's activities, heartbeating to Temporal while they wait.
   *
   * @param env the worker's environment: secrets by name, and {@value #UI_URL}
   * @param output a caught host's failed task output lines, for targets that include them
   */
  public DeliveryActivitiesImpl(
      Map<String, String> env, Function<NotifyEvent, List<String>> output, Clock clock) {
    this(
        env,
        output,
        clock,
        DeliveryLimits.DEFAULT,
        ACTIVITY_HEARTBEAT,
        p -> p == SMTPS_PORT,
        new Properties());
  }

  /** Deliveries outside Temporal ({@code amble notify test}): the same, without heartbeats. */
  public static DeliveryActivitiesImpl outsideTemporal(Map<String, String> env, Clock clock) {
    return new DeliveryActivitiesImpl(
        env,
        e -> List.of(),
        clock,
        DeliveryLimits.DEFAULT,
        () -> {},
        p -> p == SMTPS_PORT,
        new Properties());
  }

  /**
   * @param smtps the SMTP ports spoken with TLS from the start
   * @param mailTls more Jakarta Mail properties (tests: trusting a test server's certificate)
   */
  DeliveryActivitiesImpl(
      Map<String, String> env,
      Function<NotifyEvent, List<String>> output,
      Clock clock,
      DeliveryLimits limits,
      Runnable heartbeat,
      IntPredicate smtps,
      Properties mailTls) {
    this.env = Map.copyOf(env);
    this.output = output;
    this.clock = clock;
    this.limits = limits;
    this.heartbeat = heartbeat;
    this.smtps = smtps;
    this.mailTls = mailTls;
    // Built at the first webhook (see HealthCheckActivitiesImpl's): most workers deliver none.
    this.http =
        Suppliers.memoize(
            () ->
                HttpClient.newBuilder()
                    .connectTimeout(limits.connect())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build());
  }

  @Override
  public void deliver(Delivery d) {
    Notification n = d.notification();
    for (String variable : n.target().variables()) {
      if (!Notification.mayRead(variable)) {
        throw DeliveryException.refused(
            "refused: the target names the variable "
                + variable
                + ", which was not read: "
                + Notification.readRule());
      }
    }
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
            .timeout(limits.read())
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
            .timeout(limits.read())
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(payload.toString(), StandardCharsets.UTF_8))
            .build();
    post(request, "Slack", List.of(url));
  }

  private void post(HttpRequest request, String who, List<String> secrets) {
    CompletableFuture<HttpResponse<Void>> sending =
        http.get().sendAsync(request, CappedBody.handler(limits.replyBytes()));
    HttpResponse<Void> response;
    try {
      response = await(sending);
    } catch (TimeoutException e) {
      sending.cancel(true);
      throw DeliveryException.retried(
          who + " did not finish within " + limits.total().toSeconds() + "s");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConnectException) {
        throw DeliveryException.retried("connection refused");
      }
      if (cause instanceof java.net.http.HttpConnectTimeoutException) {
        throw DeliveryException.retried(
            "could not connect within " + limits.connect().toSeconds() + "s");
      }
      if (cause instanceof HttpTimeoutException) {
        throw DeliveryException.retried(
            who + " did not answer within " + limits.read().toSeconds() + "s");
      }
      throw DeliveryException.retried(scrub(describe(cause), secrets));
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

  /**
   * The result of work under way, waiting at most the limits' total and heartbeating meanwhile. A
   * cancelled activity (its heartbeat throws) cancels the work.
   */
  private <T> T await(CompletableFuture<T> work) throws TimeoutException, ExecutionException {
    long deadline = System.nanoTime() + limits.total().toNanos();
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new TimeoutException();
        }
        try {
          return work.get(Math.min(left, limits.beat().toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException notYet) {
          heartbeat.run();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      work.cancel(true);
      throw DeliveryException.retried("interrupted");
    } catch (CancellationException | io.temporal.client.ActivityCompletionException e) {
      work.cancel(true);
      throw e;
    }
  }

  private void email(
      Notification.Email e, Notice notice, Optional<String> link, List<String> output) {
    Optional<String> user = e.userEnv().map(this::secret);
    Optional<String> password = e.passwordEnv().map(this::secret);
    boolean tlsFirst = smtps.test(e.smtpPort());
    String protocol = tlsFirst ? "smtps" : "smtp";
    String at = "mail." + protocol + ".";
    BoundedSockets sockets =
        new BoundedSockets(limits.smtpBytes(), clock.instant().plus(limits.total()), clock);
    Properties p = new Properties();
    p.put(at + "host", e.smtpHost());
    p.put(at + "port", String.valueOf(e.smtpPort()));
    // STARTTLS whenever the server offers it; required before a login (SMTPS: TLS from the start)
    p.put(at + "starttls.enable", "true");
    p.put(at + "starttls.required", String.valueOf(user.isPresent() && !tlsFirst));
    p.put(at + "ssl.checkserveridentity", "true");
    p.put(at + "auth", String.valueOf(user.isPresent()));
    p.put(at + "connectiontimeout", String.valueOf(limits.connect().toMillis()));
    p.put(at + "timeout", String.valueOf(limits.read().toMillis()));
    p.put(at + "writetimeout", String.valueOf(limits.read().toMillis()));
    p.put(at + "socketFactory", sockets);
    p.put(at + "socketFactory.fallback", "false");
    mailTls.forEach(p::put);
    Session session = Session.getInstance(p);
    List<String> secrets = new ArrayList<>();
    user.ifPresent(secrets::add);
    password.ifPresent(secrets::add);
    String server = "SMTP " + e.smtpHost() + ":" + e.smtpPort();
    CompletableFuture<Void> sending =
        CompletableFuture.runAsync(
            () -> {
              try {
                MimeMessage m = new MimeMessage(session);
                m.setFrom(new InternetAddress(e.from()));
                for (String to : e.to()) {
                  m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
                }
                m.setSubject(NoticeText.subject(notice.event()), "UTF-8");
                m.setHeader("Amble-Event-Id", NoticeText.oneLine(notice.event().id()));
                m.setText(NoticeText.body(notice, link, output), "UTF-8");
                m.saveChanges();
                Transport t = session.getTransport(protocol);
                try {
                  if (user.isPresent()) {
                    t.connect(user.get(), password.orElse(""));
                  } else {
                    t.connect();
                  }
                  t.sendMessage(m, m.getAllRecipients());
                } finally {
                  t.close();
                }
              } catch (MessagingException x) {
                throw new java.util.concurrent.CompletionException(x);
              }
            },
            smtpThreads);
    try {
      await(sending);
    } catch (TimeoutException x) {
      throw DeliveryException.retried(
          server + " did not finish within " + limits.total().toSeconds() + "s");
    } catch (ExecutionException x) {
      Throwable cause = x.getCause();
      if (cause instanceof jakarta.mail.AuthenticationFailedException) {
        throw DeliveryException.refused("the SMTP server refused the login");
      }
      String why = describe(cause);
      if (why.contains("STARTTLS is required")) {
        throw DeliveryException.refused(
            server
                + " offers no STARTTLS: amble sends a login only over TLS (use a server that"
                + " offers STARTTLS, or SMTPS on port 465); the login was not sent");
      }
      throw DeliveryException.retried(scrub(server + ": " + why, secrets));
    } finally {
      sockets.close();
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

package dev.amble.amblefile;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One entry of a workspace's {@code notify:}: where its rollout's events go. Secrets are never
 * here, only the names of the worker's environment variables that hold them.
 *
 * @param events the events sent to the target; every event unless the Amblefile names some
 * @param includeOutput a caught host's failed task output lines go along (Slack and e-mail only)
 */
public record Notification(Target target, List<Event> events, boolean includeOutput) {
  /**
   * Every variable a notification reads starts with this: the worker's operator decides which
   * variables notifications may read by what they name so, and no Amblefile reads another (say
   * {@code TEMPORAL_API_KEY}) to send it away.
   */
  public static final String ENV_PREFIX = "AMBLE_NOTIFY_";

  /** Whether a notification may read the worker's variable of this name. */
  public static boolean mayRead(String variable) {
    return variable.startsWith(ENV_PREFIX) && variable.length() > ENV_PREFIX.length();
  }

  /** The rule {@link #mayRead} keeps, in words for an error. */
  public static String readRule() {
    return "a notification reads only the worker's variables whose names start with "
        + ENV_PREFIX
        + " (such as "
        + ENV_PREFIX
        + "SMTP_PASSWORD)";
  }

  public Notification {
    events = events == null || events.isEmpty() ? List.of(Event.values()) : List.copyOf(events);
  }

  /** Whether the target wants this event. */
  public boolean wants(Event e) {
    return events.contains(e);
  }

  /** What happened to a rollout, as the Amblefile names it. */
  public enum Event {
    STARTED,
    CAUGHT,
    RELEASED,
    WAVE_DONE,
    HEALTH_CHECK_FAILED,
    DONE,
    CANCELLED,
    ABORTED,
    /** One host steered: walked again by a retry, or skipped. */
    HOST_STEERED;

    /** The event as the Amblefile writes it: {@code wave_done}, ... */
    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static List<String> words() {
      return Arrays.stream(values()).map(Event::word).toList();
    }
  }

  /** Where a message goes. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Webhook.class, name = "webhook"),
    @JsonSubTypes.Type(value = Slack.class, name = "slack"),
    @JsonSubTypes.Type(value = Email.class, name = "email")
  })
  public sealed interface Target {
    /** The target as status and errors name it: never a secret. */
    String describe();

    /** The names of the worker's variables it reads. */
    List<String> variables();
  }

  /** A JSON POST, signed with HMAC-SHA256 by the secret in the worker's {@code secretEnv}. */
  public record Webhook(String url, String secretEnv) implements Target {
    @Override
    public String describe() {
      return "webhook " + url;
    }

    @Override
    public List<String> variables() {
      return List.of(secretEnv);
    }
  }

  /** A Slack incoming webhook, its URL (a secret itself) in the worker's {@code webhookUrlEnv}. */
  public record Slack(String webhookUrlEnv) implements Target {
    @Override
    public String describe() {
      return "slack $" + webhookUrlEnv;
    }

    @Override
    public List<String> variables() {
      return List.of(webhookUrlEnv);
    }
  }

  /**
   * An e-mail over SMTP, logging in with the user and password in the worker's {@code userEnv} and
   * {@code passwordEnv} when given: then only over TLS (port 465: TLS from the start; any other
   * port: STARTTLS, which the server must offer). Without a login, STARTTLS when the server offers
   * it.
   */
  public record Email(
      List<String> to,
      String from,
      String smtpHost,
      int smtpPort,
      Optional<String> userEnv,
      Optional<String> passwordEnv)
      implements Target {
    public Email {
      to = to == null ? List.of() : List.copyOf(to);
      userEnv = userEnv == null ? Optional.empty() : userEnv;
      passwordEnv = passwordEnv == null ? Optional.empty() : passwordEnv;
    }

    @Override
    public String describe() {
      return "email " + String.join(", ", to) + " via " + smtpHost + ":" + smtpPort;
    }

    @Override
    public List<String> variables() {
      return java.util.stream.Stream.of(userEnv, passwordEnv).flatMap(Optional::stream).toList();
    }
  }
}

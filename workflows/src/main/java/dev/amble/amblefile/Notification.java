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
    ABORTED;

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
  }

  /** A JSON POST, signed with HMAC-SHA256 by the secret in the worker's {@code secretEnv}. */
  public record Webhook(String url, String secretEnv) implements Target {
    @Override
    public String describe() {
      return "webhook " + url;
    }
  }

  /** A Slack incoming webhook, its URL (a secret itself) in the worker's {@code webhookUrlEnv}. */
  public record Slack(String webhookUrlEnv) implements Target {
    @Override
    public String describe() {
      return "slack $" + webhookUrlEnv;
    }
  }

  /**
   * An e-mail over SMTP (STARTTLS when the server offers it), logging in with the user and password
   * in the worker's {@code userEnv} and {@code passwordEnv} when given.
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
  }
}

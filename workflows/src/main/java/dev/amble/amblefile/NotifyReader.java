package dev.amble.amblefile;

import dev.amble.amblefile.Notification.Event;
import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a workspace's {@code notify:} into {@link Notification}s, reporting each mistake where it
 * is. Secrets are named by environment variable, never written: a key ending in {@code _env} holds
 * a variable's name, which starts with {@link Notification#ENV_PREFIX}.
 */
final class NotifyReader {
  static final List<String> TARGETS = List.of("webhook", "slack", "email");
  static final List<String> ENTRY_KEYS =
      List.of("webhook", "slack", "email", "events", "include_output");
  static final List<String> WEBHOOK_KEYS = List.of("url", "secret_env");
  static final List<String> SLACK_KEYS = List.of("webhook_url_env");
  static final List<String> EMAIL_KEYS = List.of("to", "from", "smtp", "user_env", "password_env");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ADDRESS = Pattern.compile("[^@\\s<>,;\"]+@[^@\\s<>,;\"]+");
  private static final Pattern HOST_PORT =
      Pattern.compile("([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]):(\\d{1,5})");

  private final Problems problems;

  NotifyReader(Problems problems) {
    this.problems = problems;
  }

  /** The workspace's notifications; empty without a valid {@code notify:}. */
  List<Notification> read(Fields workspace) {
    Optional<YamlList> list =
        workspace.items(
            "notify", "must list at least one target; leave the key out to notify no one");
    if (list.isEmpty()) {
      return List.of();
    }
    List<Notification> read = new ArrayList<>();
    for (int i = 0; i < list.get().items().size(); i++) {
      Fields.open(
              list.get().items().get(i),
              KeyPath.item(workspace.path("notify"), i),
              problems,
              ENTRY_KEYS)
          .flatMap(this::entry)
          .ifPresent(read::add);
    }
    return read.size() == list.get().items().size() ? List.copyOf(read) : List.of();
  }

  private Optional<Notification> entry(Fields f) {
    List<String> given = TARGETS.stream().filter(f::has).toList();
    if (given.isEmpty()) {
      problems.add(
          f.map().position(), f.path(), "names no target: give one of webhook, slack, email");
    }
    for (String extra : given.size() > 1 ? given.subList(1, given.size()) : List.<String>of()) {
      problems.add(
          f.keyAt(extra),
          f.path(extra),
          "an entry names one target; this one also names "
              + given.get(0)
              + " (write a second entry)");
    }
    List<Event> events = events(f);
    boolean output = f.bool("include_output", false);
    if (given.isEmpty()) {
      return Optional.empty();
    }
    String kind = given.get(0);
    Optional<Notification.Target> target =
        f.node(kind)
            .flatMap(
                n ->
                    Fields.open(
                        n,
                        f.path(kind),
                        problems,
                        switch (kind) {
                          case "webhook" -> WEBHOOK_KEYS;
                          case "slack" -> SLACK_KEYS;
                          default -> EMAIL_KEYS;
                        }))
            .flatMap(
                t ->
                    switch (kind) {
                      case "webhook" -> webhook(t);
                      case "slack" -> slack(t);
                      default -> email(t);
                    });
    if (output && kind.equals("webhook")) {
      f.problem(
          "include_output",
          "only goes with slack and email: a webhook gets the event, never output lines");
      return Optional.empty();
    }
    return target.map(t -> new Notification(t, events, output));
  }

  private List<Event> events(Fields f) {
    Optional<YamlList> list = f.list("events");
    if (list.isEmpty()) {
      return List.of();
    }
    if (list.get().items().isEmpty()) {
      f.problem("events", "must list at least one event; leave the key out for every event");
      return List.of();
    }
    List<Event> read = new ArrayList<>();
    List<String> words = Event.words();
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode item = list.get().items().get(i);
      String text = item instanceof YamlScalar s ? s.text() : "";
      int at =
          item instanceof YamlScalar s && s.kind() == YamlScalar.Kind.STRING
              ? words.indexOf(text)
              : -1;
      if (at < 0) {
        problems.add(
            item.position(),
            KeyPath.item(f.path("events"), i),
            "must be one of "
                + String.join(", ", words)
                + ", got "
                + item.describe()
                + DidYouMean.hint(text.toLowerCase(Locale.ROOT), words));
      } else if (!read.contains(Event.values()[at])) {
        read.add(Event.values()[at]);
      }
    }
    return read;
  }

  private Optional<Notification.Target> webhook(Fields f) {
    Optional<String> url = f.string("url", true).flatMap(u -> url(f, u));
    Optional<String> secret = env(f, "secret_env", true);
    if (url.isEmpty() || secret.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Notification.Webhook(url.get(), secret.get()));
  }

  private Optional<Notification.Target> slack(Fields f) {
    return env(f, "webhook_url_env", true).map(Notification.Slack::new);
  }

  private Optional<Notification.Target> email(Fields f) {
    List<String> to = addresses(f);
    if (!f.has("to")) {
      f.missing("to");
    }
    Optional<String> from = f.string("from", false);
    if (from.isPresent() && !ADDRESS.matcher(from.get()).matches()) {
      f.problem("from", "must be an e-mail address, got \"" + from.get() + "\"");
      from = Optional.empty();
    }
    Optional<String> user = env(f, "user_env", false);
    Optional<String> password = env(f, "password_env", false);
    boolean login = f.has("user_env") == f.has("password_env");
    if (!login) {
      problems.add(
          f.map().position(),
          f.path(),
          "user_env and password_env go together: give both to log in, or neither");
    }
    Optional<String> smtp = f.string("smtp", true);
    Optional<java.util.regex.Matcher> hostPort = smtp.map(HOST_PORT::matcher);
    if (smtp.isPresent() && !(hostPort.get().matches() && port(hostPort.get().group(2)) > 0)) {
      f.problem(
          "smtp",
          "must be HOST:PORT with a port from 1 to 65535, such as smtp.example.net:587, got \""
              + smtp.get()
              + "\"");
      return Optional.empty();
    }
    if (to.isEmpty() || smtp.isEmpty() || !login) {
      return Optional.empty();
    }
    String host = hostPort.get().group(1);
    return Optional.of(
        new Notification.Email(
            to,
            from.orElse("amble@" + host.replaceFirst("^smtp\\.", "")),
            host,
            port(hostPort.get().group(2)),
            user,
            password));
  }

  private static int port(String text) {
    int p = Integer.parseInt(text);
    return p >= 1 && p <= 65535 ? p : -1;
  }

  private List<String> addresses(Fields f) {
    Optional<List<String>> to = f.strings("to", "must list at least one address");
    if (to.isEmpty()) {
      return List.of();
    }
    List<String> bad = to.get().stream().filter(a -> !ADDRESS.matcher(a).matches()).toList();
    if (!bad.isEmpty()) {
      f.problem("to", "must list e-mail addresses, got \"" + bad.get(0) + "\"");
      return List.of();
    }
    return to.get();
  }

  /** An absolute http or https URL with a host; no user or password in it. */
  private static Optional<String> url(Fields f, String text) {
    try {
      URI u = new URI(text);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https"))
          && u.getHost() != null
          && u.getRawUserInfo() == null) {
        return Optional.of(text);
      }
      if (u.getRawUserInfo() != null) {
        f.problem("url", "must not carry a user or password; sign with secret_env instead");
        return Optional.empty();
      }
    } catch (URISyntaxException e) {
      // reported below
    }
    f.problem(
        "url",
        "must be an http or https URL such as https://hooks.example.net/amble, got \""
            + text
            + "\"");
    return Optional.empty();
  }

  /** The name of an environment variable (never its value). */
  private static Optional<String> env(Fields f, String key, boolean required) {
    Optional<String> name = f.string(key, required);
    if (name.isPresent() && !ENV_NAME.matcher(name.get()).matches()) {
      f.problem(
          key,
          "must name an environment variable (letters, digits, '_'); the secret itself never"
              + " goes in the Amblefile");
      return Optional.empty();
    }
    if (name.isPresent() && !Notification.mayRead(name.get())) {
      f.problem(
          key,
          "must name a variable starting with "
              + Notification.ENV_PREFIX
              + ", got "
              + name.get()
              + ": a notification reads only those of the worker's variables, so no Amblefile"
              + " sends its others (TEMPORAL_API_KEY, ...) away");
      return Optional.empty();
    }
    return name;
  }
}

package dev.amble.listen;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.RolloutOverrides;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One message of {@code amble listen}, the same over AMQP and HTTP (see the README's "Events: amble
 * listen"). Parsed strictly: an unknown key, a missing one or a bad value is {@link
 * Outcome#malformed}, so that a typo never starts something other than what was meant.
 *
 * @param id the sender's ID of the message: a redelivery with the same ID starts nothing twice
 * @param action what to do
 * @param project the Amblefile's project ({@code default} when not given)
 * @param workspace the workspace the action is for
 * @param content for {@code run}: the digest {@code sha256:HEX} of content kept in Temporal
 * @param limit for {@code run}: an Ansible host pattern, as {@code amble run --limit}
 * @param options for {@code run}: overrides of the workspace's keys, by their Amblefile names
 * @param catchSince for {@code release}: the catch it acts on, the {@code since} of the rollout's
 *     catch as {@code amble status} shows it
 * @param rollout for {@code cancel}: the run ID of the rollout it acts on
 * @param reason why, recorded with the catch or cancel
 */
public record EventMessage(
    String id,
    Action action,
    String project,
    String workspace,
    Optional<String> content,
    Optional<String> limit,
    Map<String, String> options,
    Optional<String> catchSince,
    Optional<String> rollout,
    String reason) {

  /** What a message asks for. */
  public enum Action {
    RUN,
    CATCH,
    RELEASE,
    CANCEL;

    public String word() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The run options a message may set: what `amble run` overrides, without bypasses. */
  public static final Set<String> RUN_OPTIONS = runOptions();

  /** The most bytes a message may have. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final Set<String> KEYS =
      Set.of(
          "id",
          "action",
          "project",
          "workspace",
          "content",
          "limit",
          "options",
          "catch",
          "rollout",
          "reason");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final ObjectMapper JSON = new ObjectMapper();

  public EventMessage {
    options = Map.copyOf(options);
  }

  /** The message in {@code body}; a problem is thrown as {@link Refused} (malformed). */
  public static EventMessage parse(byte[] body) {
    if (body.length > MAX_BYTES) {
      throw malformed("the message has more than " + MAX_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw malformed("not JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw malformed("not JSON: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw malformed("the message must be a JSON object");
    }
    List<String> unknown = unknownKeys(root, KEYS);
    if (!unknown.isEmpty()) {
      throw malformed("unknown key(s) " + String.join(", ", unknown) + "; known: " + KEYS);
    }
    String id = name(root, "id").orElseThrow(() -> malformed("id is missing"));
    String actionWord = text(root, "action").orElseThrow(() -> malformed("action is missing"));
    Action action;
    try {
      action = Action.valueOf(actionWord.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw malformed("action " + actionWord + " is none of run, catch, release, cancel");
    }
    String project = name(root, "project").orElse("default");
    String workspace = name(root, "workspace").orElseThrow(() -> malformed("workspace is missing"));
    Optional<String> content = text(root, "content");
    content
        .filter(c -> !DIGEST.matcher(c).matches())
        .ifPresent(
            c -> {
              throw malformed("content " + c + " is not a digest sha256:HEX (64 hex digits)");
            });
    Optional<String> limit = text(root, "limit");
    limit
        .filter(l -> l.contains("@"))
        .ifPresent(
            l -> {
              throw malformed(
                  "limit must not name a file (@FILE reads a file on the worker); name hosts,"
                      + " groups or patterns instead");
            });
    Map<String, String> options = options(root);
    Optional<String> catchSince = text(root, "catch");
    Optional<String> rollout = text(root, "rollout");
    String reason = text(root, "reason").orElse("");
    if (action == Action.RUN && content.isEmpty()) {
      throw malformed("a run needs content: the digest of content kept in Temporal");
    }
    if (action != Action.RUN && (content.isPresent() || limit.isPresent())) {
      throw malformed("content and limit are for run only");
    }
    if (action == Action.RELEASE && catchSince.isEmpty()) {
      throw malformed("a release needs catch: the catch it acts on (its since)");
    }
    if (action == Action.CANCEL && rollout.isEmpty()) {
      throw malformed("a cancel needs rollout: the run ID of the rollout it acts on");
    }
    if (action != Action.RUN && options.keySet().stream().anyMatch(k -> !k.equals("skip_failed"))
        || action != Action.RELEASE && options.containsKey("skip_failed")) {
      throw malformed("options are for run (skip_failed for release), not for " + action.word());
    }
    if (options.containsKey("skip_failed")
        && !Set.of("true", "false").contains(options.get("skip_failed"))) {
      throw malformed("options.skip_failed must be true or false");
    }
    if (options.containsKey("seed")) {
      try {
        Long.parseLong(options.get("seed"));
      } catch (NumberFormatException e) {
        throw malformed("options.seed must be a whole number");
      }
    }
    return new EventMessage(
        id, action, project, workspace, content, limit, options, catchSince, rollout, reason);
  }

  /** The ID of the workflow this message starts (its idempotency key). */
  public String eventWorkflowId() {
    return "amble/@event/" + project + "/" + workspace + "/" + id;
  }

  /**
   * The ID of the rollout update this catch, release or cancel sends: the message's ID, the action
   * and what it targets (the catch a release releases, the run a cancel cancels). Temporal applies
   * an update ID once per rollout run, so a redelivery is a duplicate, while a reused message ID
   * for another action or target is an update of its own, never swallowed as an earlier one.
   */
  public String updateId() {
    String target =
        switch (action) {
          case RUN, CATCH -> "";
          case RELEASE -> "/" + catchSince.orElseThrow();
          case CANCEL -> "/" + rollout.orElseThrow();
        };
    return eventWorkflowId() + "/" + action.word() + target;
  }

  /** The keys of {@code root} that are not {@code known}, in their order. */
  static List<String> unknownKeys(JsonNode root, Set<String> known) {
    List<String> unknown = new ArrayList<>();
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        unknown.add(name);
      }
    }
    return unknown;
  }

  private static Set<String> runOptions() {
    Set<String> all = new java.util.TreeSet<>(RolloutOverrides.KEYS);
    all.add("seed");
    all.add("skip_failed");
    return Set.copyOf(all);
  }

  private static Map<String, String> options(JsonNode root) {
    JsonNode node = root.get("options");
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw malformed("options must be an object");
    }
    Map<String, String> out = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!RUN_OPTIONS.contains(e.getKey())) {
        throw malformed(
            "options."
                + e.getKey()
                + " is not a run option; known: "
                + String.join(", ", new java.util.TreeSet<>(RUN_OPTIONS)));
      }
      JsonNode v = e.getValue();
      if (v.isArray() && e.getKey().equals("waves")) {
        List<String> sizes = new ArrayList<>();
        v.forEach(s -> sizes.add(s.asText()));
        out.put(e.getKey(), String.join(",", sizes));
      } else if (v.isValueNode() && !v.isNull()) {
        out.put(e.getKey(), v.asText());
      } else {
        throw malformed("options." + e.getKey() + " must be a string, number or boolean");
      }
    }
    return out;
  }

  private static Optional<String> text(JsonNode root, String key) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw malformed(key + " must be a non-empty string");
    }
    return Optional.of(node.asText());
  }

  private static Optional<String> name(JsonNode root, String key) {
    Optional<String> value = text(root, key);
    value
        .filter(v -> !NAME.matcher(v).matches())
        .ifPresent(
            v -> {
              throw malformed(
                  key
                      + " must be 1 to 128 of letters, digits and ._:@- (starting with a letter or"
                      + " digit)");
            });
    return value;
  }

  private static Refused malformed(String why) {
    return new Refused(Outcome.malformed(why));
  }

  /** A message refused before anything was asked of Temporal, with its outcome. */
  public static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Outcome outcome;

    public Refused(Outcome outcome) {
      super(outcome.reason(), null, false, false);
      this.outcome = outcome;
    }

    public Outcome outcome() {
      return outcome;
    }
  }
}

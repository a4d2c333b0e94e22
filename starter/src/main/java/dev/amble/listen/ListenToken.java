package dev.amble.listen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The HTTP endpoint's bearer token and what it may do. A token file is either the bare token on its
 * first line (its grant {@link Grant#LEAST}), or a YAML map:
 *
 * <pre>
 * token: 9f3c...               # required
 * actions: [run, catch]        # default: run, catch, release, cancel
 * workspaces: [stage, prod/db] # default: ["*"]
 * overrides: [max_failures]    # default: none; "all" for every strategy key
 * </pre>
 *
 * The token never appears in {@link #toString} or in an exception's message.
 */
public final class ListenToken {
  private static final Set<String> KEYS = Set.of("token", "actions", "workspaces", "overrides");
  private static final int MIN_LENGTH = 16;

  private final byte[] secret;
  private final Grant grant;

  public ListenToken(String secret, Grant grant) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.grant = grant;
  }

  public Grant grant() {
    return grant;
  }

  /** Whether {@code given} is this token, compared in constant time. */
  public boolean matches(byte[] given) {
    return secret.length > 0 && MessageDigest.isEqual(given, secret);
  }

  /**
   * The token in a file's text (or a variable's: a bare token); a problem is an {@link
   * IllegalArgumentException} whose message never holds the token.
   */
  public static ListenToken parse(String text) {
    String stripped = text.strip();
    if (stripped.isEmpty()) {
      throw new IllegalArgumentException("it is empty");
    }
    String first = stripped.lines().findFirst().orElseThrow().strip();
    if (!first.startsWith("{") && !first.matches("[a-z_]+:(\\s.*)?")) {
      return new ListenToken(checked(first), Grant.LEAST);
    }
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(stripped);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("it is neither a bare token nor a YAML map", null);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("it is neither a bare token nor a YAML map");
    }
    List<String> unknown = EventMessage.unknownKeys(root, KEYS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown key(s) "
              + String.join(", ", unknown)
              + "; known: token, actions, workspaces,"
              + " overrides");
    }
    JsonNode token = root.path("token");
    if (!token.isTextual() || token.asText().isBlank()) {
      throw new IllegalArgumentException("token: is missing (a string)");
    }
    Set<EventMessage.Action> actions =
        root.has("actions") ? Grant.actions(list(root, "actions")) : Grant.LEAST.actions();
    Set<String> workspaces =
        root.has("workspaces") ? Set.copyOf(list(root, "workspaces")) : Grant.LEAST.workspaces();
    Set<String> overrides;
    JsonNode o = root.path("overrides");
    if (o.isBoolean()) {
      overrides = o.asBoolean() ? Grant.OVERRIDABLE : Set.of();
    } else {
      overrides = root.has("overrides") ? Grant.overrides(list(root, "overrides")) : Set.of();
    }
    return new ListenToken(
        checked(token.asText().strip()), new Grant(actions, workspaces, overrides));
  }

  private static String checked(String token) {
    if (token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(
          "the token has fewer than "
              + MIN_LENGTH
              + " characters (openssl rand -hex 32 makes one)");
    }
    return token;
  }

  private static List<String> list(JsonNode root, String key) {
    JsonNode node = root.get(key);
    List<String> out = new ArrayList<>();
    if (node.isTextual()) {
      for (String part : node.asText().split(",")) {
        out.add(part.strip());
      }
    } else if (node.isArray()) {
      node.forEach(n -> out.add(n.asText().strip()));
    } else {
      throw new IllegalArgumentException(key + ": must be a list of names");
    }
    out.removeIf(String::isEmpty);
    return out;
  }

  @Override
  public String toString() {
    return "ListenToken[" + grant + "]";
  }
}

package dev.amble.amblefile.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A YAML document as a tree that remembers where each node came from, so that every problem in an
 * Amblefile can be reported at its line and column.
 */
public sealed interface YamlNode {
  Position position();

  /** What the node is, in words for error messages: "a map", "a list", "a string", ... */
  String describe();

  /**
   * The node as JSON data, for content amble passes through without interpreting (tasks, options).
   */
  JsonNode toJson();

  /** A mapping whose entries keep their order and the positions of their keys. */
  record YamlMap(Position position, Map<String, Entry> entries) implements YamlNode {
    public record Entry(String key, Position keyPosition, YamlNode value) {}

    public Optional<Entry> entry(String key) {
      return Optional.ofNullable(entries.get(key));
    }

    public Optional<YamlNode> get(String key) {
      return entry(key).map(Entry::value);
    }

    @Override
    public String describe() {
      return "a map";
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = JsonNodeFactory.instance.objectNode();
      entries.forEach((k, e) -> json.set(k, e.value().toJson()));
      return json;
    }
  }

  record YamlList(Position position, List<YamlNode> items) implements YamlNode {
    @Override
    public String describe() {
      return "a list";
    }

    @Override
    public ArrayNode toJson() {
      return JsonNodeFactory.instance
          .arrayNode()
          .addAll(items.stream().map(YamlNode::toJson).toList());
    }
  }

  /** A scalar: its kind as YAML resolved it, and its text. */
  record YamlScalar(Position position, Kind kind, String text) implements YamlNode {
    public enum Kind {
      STRING("a string"),
      INTEGER("an integer"),
      FLOAT("a number"),
      BOOLEAN("a boolean"),
      NULL("empty (null)");

      final String words;

      Kind(String words) {
        this.words = words;
      }
    }

    @Override
    public String describe() {
      return kind == Kind.NULL ? kind.words : kind.words + " (" + quoted(text) + ")";
    }

    @Override
    public JsonNode toJson() {
      JsonNodeFactory f = JsonNodeFactory.instance;
      return switch (kind) {
        case STRING -> f.textNode(text);
        case INTEGER -> f.numberNode(Long.parseLong(text));
        case FLOAT -> f.numberNode(Double.parseDouble(text));
        case BOOLEAN -> f.booleanNode(Boolean.parseBoolean(text));
        case NULL -> f.nullNode();
      };
    }

    static String quoted(String s) {
      String shown = s.length() > 40 ? s.substring(0, 37) + "..." : s;
      return "\"" + shown.replace("\n", "\\n") + "\"";
    }
  }
}

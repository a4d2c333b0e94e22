package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Reads Ansible's {@code jsonfile} fact cache, the files Ansible writes itself. Two layouts exist:
 * ansible-core 2.19 and later write {@code s1_HOST} holding {@code {"__payload__": "<json>"}}
 * (values may be wrapped as {@code {"__ansible_type": ..., "value": ...}}); earlier versions write
 * {@code HOST} holding the facts themselves. Both are read; the newer wins.
 */
public final class FactCache {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String[] PREFIXES = {"s1_", ""};

  private final Path dir;

  public FactCache(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  /** The cached facts of a host: the keys {@code ansible_*} as the setup module returns them. */
  public Optional<JsonNode> read(String host) {
    for (String prefix : PREFIXES) {
      Path file = dir.resolve(prefix + host);
      try {
        JsonNode root = JSON.readTree(file.toFile());
        if (root == null || !root.isObject()) {
          continue;
        }
        JsonNode payload = root.get("__payload__");
        JsonNode facts =
            payload != null && payload.isTextual() ? JSON.readTree(payload.asText()) : root;
        return Optional.of(unwrap(facts));
      } catch (NoSuchFileException | java.io.FileNotFoundException e) {
        // try the other layout
      } catch (IOException e) {
        throw new AnsibleException("unreadable fact cache file " + file + ": " + e.getMessage(), e);
      }
    }
    return Optional.empty();
  }

  /** Ansible's serialized tagged values ({@code __ansible_type}) as their plain values. */
  static JsonNode unwrap(JsonNode node) {
    if (node.isObject()) {
      if (node.has("__ansible_type") && node.has("value")) {
        return unwrap(node.get("value"));
      }
      ObjectNode object = (ObjectNode) node;
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode value = field.getValue();
        if (value.isContainerNode()) {
          JsonNode plain = unwrap(value);
          if (plain != value) {
            field.setValue(plain);
          }
        }
      }
    } else if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isContainerNode()) {
          JsonNode plain = unwrap(array.get(i));
          if (plain != array.get(i)) {
            array.set(i, plain);
          }
        }
      }
    }
    return node;
  }
}

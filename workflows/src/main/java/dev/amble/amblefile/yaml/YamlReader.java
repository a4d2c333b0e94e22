package dev.amble.amblefile.yaml;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one YAML document into a {@link YamlNode} tree with positions. Duplicate keys are reported
 * (and the first one kept) instead of silently overwritten, which is what YAML libraries do.
 */
public final class YamlReader {
  /** Something wrong with the YAML itself, at a position, under a dotted path. */
  public record Problem(Position position, String path, String message) {}

  /** The tree (empty when the text is not YAML at all) and the problems met while reading it. */
  public record Result(Optional<YamlNode> root, List<Problem> problems) {}

  private static final YAMLFactory FACTORY = YAMLFactory.builder().build();

  private final List<Problem> problems = new ArrayList<>();
  private JsonParser parser;

  private YamlReader() {}

  public static Result read(String text) {
    YamlReader reader = new YamlReader();
    Optional<YamlNode> root;
    try (JsonParser p = FACTORY.createParser(text)) {
      reader.parser = p;
      JsonToken first = p.nextToken();
      root = first == null ? Optional.empty() : Optional.of(reader.node(""));
    } catch (JsonProcessingException e) {
      reader.problems.add(
          new Problem(
              syntaxPosition(e), reader.pathOf(), "YAML syntax error: " + syntaxMessage(e)));
      root = Optional.empty();
    } catch (IOException e) {
      throw new IllegalStateException("reading YAML from a string", e);
    }
    return new Result(root, List.copyOf(reader.problems));
  }

  private String currentPath = "";

  private String pathOf() {
    return currentPath;
  }

  private YamlNode node(String path) throws IOException {
    currentPath = path;
    Position at = position(parser.currentTokenLocation());
    JsonToken token = parser.currentToken();
    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      problems.add(
          new Problem(
              at,
              path,
              "YAML aliases (*" + parser.getText() + ") are not supported; repeat the value"));
    }
    switch (token) {
      case START_OBJECT:
        {
          Map<String, YamlMap.Entry> entries = new LinkedHashMap<>();
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            Position keyAt = position(parser.currentTokenLocation());
            String childPath = KeyPath.child(path, key);
            currentPath = childPath;
            parser.nextToken();
            YamlNode value = node(childPath);
            YamlMap.Entry first = entries.get(key);
            if (first != null) {
              problems.add(
                  new Problem(
                      keyAt,
                      childPath,
                      "duplicate key (first given at line " + first.keyPosition().line() + ")"));
            } else {
              entries.put(key, new YamlMap.Entry(key, keyAt, value));
            }
            currentPath = path;
          }
          return new YamlMap(at, entries);
        }
      case START_ARRAY:
        {
          List<YamlNode> items = new ArrayList<>();
          while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(node(KeyPath.item(path, items.size())));
            currentPath = path;
          }
          return new YamlList(at, items);
        }
      case VALUE_STRING:
        return new YamlScalar(at, YamlScalar.Kind.STRING, parser.getText());
      case VALUE_NUMBER_INT:
        return new YamlScalar(at, YamlScalar.Kind.INTEGER, parser.getBigIntegerValue().toString());
      case VALUE_NUMBER_FLOAT:
        return new YamlScalar(at, YamlScalar.Kind.FLOAT, Double.toString(parser.getDoubleValue()));
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new YamlScalar(
            at, YamlScalar.Kind.BOOLEAN, Boolean.toString(parser.getBooleanValue()));
      case VALUE_NULL:
        return new YamlScalar(at, YamlScalar.Kind.NULL, "");
      case VALUE_EMBEDDED_OBJECT:
        problems.add(new Problem(at, path, "binary YAML values (!!binary) are not supported"));
        return new YamlScalar(at, YamlScalar.Kind.STRING, parser.getText());
      default:
        problems.add(new Problem(at, path, "unsupported YAML value (" + token + ")"));
        return new YamlScalar(at, YamlScalar.Kind.NULL, "");
    }
  }

  private static Position position(JsonLocation location) {
    return new Position(location.getLineNr(), Math.max(1, location.getColumnNr()));
  }

  private static final Pattern MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");

  /**
   * SnakeYAML's messages read: a context ("while parsing a flow sequence"), its mark, an excerpt,
   * then the problem, its mark and an excerpt. Keep the problem, with the context in brackets.
   */
  static String syntaxMessage(JsonProcessingException e) {
    List<String> sentences = new ArrayList<>();
    for (String line : e.getOriginalMessage().split("\n")) {
      if (!line.isBlank() && !line.startsWith(" ") && !line.startsWith("\t")) {
        sentences.add(line.trim());
      }
    }
    if (sentences.isEmpty()) {
      return e.getOriginalMessage().trim();
    }
    String problem = sentences.get(sentences.size() - 1);
    if (problem.contains("(TAB)")) {
      return "a tab cannot indent YAML; indent with spaces";
    }
    return sentences.size() > 1 ? problem + " (" + sentences.get(0) + ")" : problem;
  }

  /** Where the problem is: the last mark in SnakeYAML's message, which is 1-based. */
  static Position syntaxPosition(JsonProcessingException e) {
    Matcher mark = MARK.matcher(e.getOriginalMessage());
    Position last = null;
    while (mark.find()) {
      last = new Position(Integer.parseInt(mark.group(1)), Integer.parseInt(mark.group(2)));
    }
    if (last != null) {
      return last;
    }
    JsonLocation at = e.getLocation();
    return at == null
        ? Position.START
        : new Position(at.getLineNr(), Math.max(1, at.getColumnNr()));
  }
}

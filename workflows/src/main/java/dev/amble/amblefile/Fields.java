package dev.amble.amblefile;

import dev.amble.amblefile.yaml.KeyPath;
import dev.amble.amblefile.yaml.Position;
import dev.amble.amblefile.yaml.YamlNode;
import dev.amble.amblefile.yaml.YamlNode.YamlList;
import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import dev.amble.amblefile.yaml.YamlNode.YamlScalar;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The keys of one YAML map being read into a record. Each getter checks the value's type and
 * reports a problem (and returns empty) when it is wrong; keys the map may not have are reported
 * when the map is opened.
 */
final class Fields {
  private final YamlMap map;
  private final String path;
  private final Problems problems;
  private final java.util.Set<String> suggested = new java.util.HashSet<>();

  Fields(YamlMap map, String path, Problems problems, List<String> allowed) {
    this.map = map;
    this.path = path;
    this.problems = problems;
    for (YamlMap.Entry entry : map.entries().values()) {
      if (!allowed.contains(entry.key())) {
        String hint = DidYouMean.hint(entry.key(), allowed);
        DidYouMean.closest(entry.key(), allowed).ifPresent(suggested::add);
        problems.add(
            entry.keyPosition(),
            KeyPath.child(path, entry.key()),
            "unknown key"
                + (hint.isEmpty() ? "; expected one of " + String.join(", ", allowed) : hint));
      }
    }
  }

  /** Opens a node that must be a map, or reports that it is not. */
  static Optional<Fields> open(
      YamlNode node, String path, Problems problems, List<String> allowed) {
    if (node instanceof YamlMap map) {
      return Optional.of(new Fields(map, path, problems, allowed));
    }
    problems.add(node.position(), path, "must be a map, got " + node.describe());
    return Optional.empty();
  }

  YamlMap map() {
    return map;
  }

  String path() {
    return path;
  }

  String path(String key) {
    return KeyPath.child(path, key);
  }

  boolean has(String key) {
    return map.entries().containsKey(key);
  }

  Optional<YamlNode> node(String key) {
    return map.get(key);
  }

  /** Where the key's value is, or the map itself when the key is absent. */
  Position at(String key) {
    return map.get(key).map(YamlNode::position).orElse(map.position());
  }

  Position keyAt(String key) {
    return map.entry(key).map(YamlMap.Entry::keyPosition).orElse(map.position());
  }

  /** Reports a missing key, unless a misspelling of it was already reported. */
  void missing(String key) {
    if (suggested.contains(key)) {
      return;
    }
    problems.add(map.position(), path, "missing required key \"" + key + "\"");
  }

  void problem(String key, String message) {
    problems.add(at(key), path(key), message);
  }

  /**
   * An optional key whose value is one of {@code values}, each written as {@code word} gives it;
   * another word is a problem (with the closest word as a hint), and empty.
   */
  <E> Optional<E> oneOf(String key, List<E> values, Function<E, String> word) {
    Optional<String> given = string(key, false);
    if (given.isEmpty()) {
      return Optional.empty();
    }
    List<String> words = values.stream().map(word).toList();
    int i = words.indexOf(given.get());
    if (i < 0) {
      problem(
          key,
          "must be one of "
              + String.join(", ", words)
              + ", got \""
              + given.get()
              + "\""
              + DidYouMean.hint(given.get(), words));
      return Optional.empty();
    }
    return Optional.of(values.get(i));
  }

  Optional<String> string(String key, boolean required) {
    Optional<YamlNode> node = map.get(key);
    if (node.isEmpty()) {
      if (required) {
        missing(key);
      }
      return Optional.empty();
    }
    if (node.get() instanceof YamlScalar s && s.kind() == YamlScalar.Kind.STRING) {
      if (required && s.text().isBlank()) {
        problem(key, "must not be empty");
        return Optional.empty();
      }
      return Optional.of(s.text());
    }
    problem(key, "must be a string, got " + node.get().describe());
    return Optional.empty();
  }

  boolean bool(String key, boolean fallback) {
    Optional<YamlNode> node = map.get(key);
    if (node.isEmpty()) {
      return fallback;
    }
    if (node.get() instanceof YamlScalar s && s.kind() == YamlScalar.Kind.BOOLEAN) {
      return Boolean.parseBoolean(s.text());
    }
    problem(key, "must be true or false, got " + node.get().describe());
    return fallback;
  }

  Optional<Long> integer(String key) {
    Optional<YamlNode> node = map.get(key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (node.get() instanceof YamlScalar s && s.kind() == YamlScalar.Kind.INTEGER) {
      try {
        return Optional.of(Long.parseLong(s.text()));
      } catch (NumberFormatException e) {
        problem(key, "is too large");
        return Optional.empty();
      }
    }
    problem(key, "must be an integer, got " + node.get().describe());
    return Optional.empty();
  }

  /** A duration such as 90s, 45m, 2h, 1h30m or 1d; zero only when {@code zeroAllowed}. */
  Optional<java.time.Duration> duration(String key, boolean zeroAllowed) {
    Optional<String> text = string(key, false);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    Optional<java.time.Duration> parsed = DurationText.parse(text.get());
    if (parsed.isEmpty() || (!zeroAllowed && parsed.get().isZero())) {
      problem(key, "must be a duration such as 90s, 45m, 2h or 1h30m, got \"" + text.get() + "\"");
      return Optional.empty();
    }
    return parsed;
  }

  /**
   * A number of hosts: an integer of at least {@code min}, or a percentage "N%" with N from {@code
   * min} to 100.
   */
  Optional<Amount> amount(YamlNode node, String path, int min) {
    if (node instanceof YamlScalar s && s.kind() == YamlScalar.Kind.INTEGER) {
      long n;
      try {
        n = Long.parseLong(s.text());
      } catch (NumberFormatException e) {
        problems.add(node.position(), path, "is too large");
        return Optional.empty();
      }
      if (n < min || n > 1_000_000) {
        problems.add(node.position(), path, "must be at least " + min + ", got " + n);
        return Optional.empty();
      }
      return Optional.of(Amount.count((int) n));
    }
    if (node instanceof YamlScalar s
        && s.kind() == YamlScalar.Kind.STRING
        && s.text().matches("\\d{1,3}%")) {
      int p = Integer.parseInt(s.text().substring(0, s.text().length() - 1));
      if (p < Math.max(min, 0) || p > 100) {
        problems.add(
            node.position(),
            path,
            "a percentage must be from " + min + "% to 100%, got " + s.text());
        return Optional.empty();
      }
      return Optional.of(Amount.percent(p));
    }
    problems.add(
        node.position(),
        path,
        "must be a number of hosts or a percentage like \"10%\", got " + node.describe());
    return Optional.empty();
  }

  Optional<Amount> amount(String key, int min) {
    return node(key).flatMap(n -> amount(n, path(key), min));
  }

  Problems problems() {
    return problems;
  }

  Optional<YamlList> list(String key) {
    return typed(key, YamlList.class, "a list");
  }

  Optional<YamlMap> submap(String key) {
    return typed(key, YamlMap.class, "a map");
  }

  /** The key's value when it is a {@code type} (in words, {@code what}); else a problem. */
  private <T extends YamlNode> Optional<T> typed(String key, Class<T> type, String what) {
    Optional<YamlNode> node = map.get(key);
    if (node.isEmpty()) {
      return Optional.empty();
    }
    if (type.isInstance(node.get())) {
      return Optional.of(type.cast(node.get()));
    }
    problem(key, "must be " + what + ", got " + node.get().describe());
    return Optional.empty();
  }

  /**
   * A list that, when given, has at least one item: else the problem {@code ifEmpty}, and empty.
   */
  Optional<YamlList> items(String key, String ifEmpty) {
    Optional<YamlList> list = list(key);
    if (list.isPresent() && list.get().items().isEmpty()) {
      problem(key, ifEmpty);
      return Optional.empty();
    }
    return list;
  }

  /** Like {@link #strings(String)}, and an empty list is the problem {@code ifEmpty}, and empty. */
  Optional<List<String>> strings(String key, String ifEmpty) {
    Optional<List<String>> strings = strings(key);
    if (strings.isPresent() && strings.get().isEmpty()) {
      problem(key, ifEmpty);
      return Optional.empty();
    }
    return strings;
  }

  /** A list whose every item must be a non-empty string. */
  Optional<List<String>> strings(String key) {
    Optional<YamlList> list = list(key);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    List<String> strings = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < list.get().items().size(); i++) {
      YamlNode item = list.get().items().get(i);
      if (item instanceof YamlScalar s
          && s.kind() == YamlScalar.Kind.STRING
          && !s.text().isBlank()) {
        strings.add(s.text());
      } else {
        problems.add(
            item.position(),
            KeyPath.item(path(key), i),
            "must be a non-empty string, got " + item.describe());
        ok = false;
      }
    }
    return ok ? Optional.of(strings) : Optional.empty();
  }
}

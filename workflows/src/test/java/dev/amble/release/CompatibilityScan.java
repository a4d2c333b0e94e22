package dev.amble.release;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the main sources keep for older releases, found by reading them: every {@code
 * Workflow.getVersion} marker (by its change ID), every {@code @JsonAlias} (by member and alias),
 * and every record constructor kept at an old argument count (its parameters are the first
 * components of the record, in order: the record as it was before components were added).
 */
final class CompatibilityScan {
  /** The modules whose main sources are read, relative to the repository root. */
  static final List<String> MODULES = List.of("workflows", "activities", "worker", "starter");

  private static final Pattern MARKER =
      Pattern.compile("Workflow\\s*\\.\\s*getVersion\\s*\\(\\s*(\"[^\"]*\"|[\\w.]+)");
  private static final Pattern ALIAS =
      Pattern.compile("@(?:com\\.fasterxml\\.jackson\\.annotation\\.)?JsonAlias\\s*\\(");
  private static final Pattern RECORD =
      Pattern.compile("\\brecord\\s+(\\w+)\\s*(?:<[^>]*>)?\\s*\\(");
  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern LAST_NAME = Pattern.compile("(\\w+)\\s*$");

  private CompatibilityScan() {}

  /** Everything found under {@code root}'s modules, by path from {@code root}. */
  static List<Item> scan(Path root) {
    List<Item> found = new ArrayList<>();
    for (String module : MODULES) {
      Path sources = root.resolve(module).resolve("src/main/java");
      try (Stream<Path> files = Files.walk(sources)) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
          String where = root.relativize(file).toString().replace('\\', '/');
          found.addAll(scan(where, withoutComments(Files.readString(file))));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return found;
  }

  /** The items in one file's source (comments already removed). */
  static List<Item> scan(String where, String source) {
    List<Item> found = new ArrayList<>();
    Matcher marker = MARKER.matcher(source);
    while (marker.find()) {
      found.add(new Item(Item.Kind.MARKER, changeId(where, source, marker.group(1)), where));
    }
    Matcher alias = ALIAS.matcher(source);
    while (alias.find()) {
      int close = closing(source, alias.end() - 1);
      String member = memberAfter(source, close + 1);
      Matcher names = QUOTED.matcher(source.substring(alias.end(), close));
      while (names.find()) {
        found.add(new Item(Item.Kind.ALIAS, member + "<-" + names.group(1), where));
      }
    }
    Matcher record = RECORD.matcher(source);
    while (record.find()) {
      String name = record.group(1);
      int close = closing(source, record.end() - 1);
      List<String> components = types(source.substring(record.end(), close));
      Matcher constructor =
          Pattern.compile("(?<![\\w.])(?<!new\\s)" + name + "\\s*\\(").matcher(source);
      while (constructor.find()) {
        if (constructor.start() < close) {
          continue; // the record's own header
        }
        int end = closing(source, constructor.end() - 1);
        if (!source.substring(end + 1).stripLeading().startsWith("{")) {
          continue; // a call, not a declaration
        }
        List<String> parameters = types(source.substring(constructor.end(), end));
        if (parameters.size() < components.size()
            && components.subList(0, parameters.size()).equals(parameters)) {
          found.add(new Item(Item.Kind.CONSTRUCTOR, name + "(" + parameters.size() + ")", where));
        }
      }
    }
    return found;
  }

  /** A marker's change ID: a literal, or a constant of this file. */
  private static String changeId(String where, String source, String argument) {
    if (argument.startsWith("\"")) {
      return argument.substring(1, argument.length() - 1);
    }
    String constant = argument.substring(argument.lastIndexOf('.') + 1);
    Matcher value =
        Pattern.compile("\\b" + Pattern.quote(constant) + "\\s*=\\s*\"([^\"]*)\"").matcher(source);
    if (!value.find()) {
      throw new AssertionError(
          where
              + ": Workflow.getVersion("
              + argument
              + ", ...): give the change ID as a literal or a String constant of this file, so"
              + " that the retirement list can name it");
    }
    return value.group(1);
  }

  /** The index of the parenthesis that closes the one at {@code open}. */
  private static int closing(String source, int open) {
    int depth = 0;
    for (int i = open; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfLiteral(source, i) - 1;
      } else if (c == '(') {
        depth++;
      } else if (c == ')' && --depth == 0) {
        return i;
      }
    }
    throw new IllegalStateException("unbalanced parentheses at " + open);
  }

  /** The name of the parameter, component or field declared right after an annotation. */
  private static String memberAfter(String source, int from) {
    int depth = 0;
    int i = from;
    for (; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      } else if (depth == 0 && (c == ',' || c == ')' || c == ';' || c == '=')) {
        break;
      }
    }
    Matcher name = LAST_NAME.matcher(source.substring(from, i));
    if (!name.find()) {
      throw new IllegalStateException("no name after an annotation at " + from);
    }
    return name.group(1);
  }

  /** The types of a parameter or component list, without annotations, modifiers and names. */
  static List<String> types(String list) {
    List<String> types = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= list.length(); i++) {
      char c = i == list.length() ? ',' : list.charAt(i);
      if (c == '<' || c == '(') {
        depth++;
      } else if (c == '>' || c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String declaration =
            list.substring(start, i)
                .replaceAll("@[\\w.]+(\\s*\\([^)]*\\))?", "")
                .replaceAll("\\bfinal\\b", "")
                .strip();
        if (!declaration.isEmpty()) {
          types.add(
              declaration.substring(0, declaration.lastIndexOf(' ') + 1).replaceAll("\\s+", ""));
        }
        start = i + 1;
      }
    }
    return types;
  }

  /** Just past the string or character literal that starts at {@code at}. */
  private static int endOfLiteral(String source, int at) {
    char quote = source.charAt(at);
    int j = at + 1;
    while (j < source.length() && source.charAt(j) != quote) {
      j += source.charAt(j) == '\\' ? 2 : 1;
    }
    return Math.min(j + 1, source.length());
  }

  /** Java source without its comments; string literals (text blocks too) are kept as they are. */
  static String withoutComments(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    while (i < source.length()) {
      if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        end = end < 0 ? source.length() : end + 3;
        out.append(source, i, end);
        i = end;
      } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
        int end = endOfLiteral(source, i);
        out.append(source, i, end);
        i = end;
      } else if (source.startsWith("//", i)) {
        int end = source.indexOf('\n', i);
        i = end < 0 ? source.length() : end;
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? source.length() : end + 2;
        out.append(' ');
      } else {
        out.append(source.charAt(i++));
      }
    }
    return out.toString();
  }
}

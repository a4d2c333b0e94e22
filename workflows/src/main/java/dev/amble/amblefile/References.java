package dev.amble.amblefile;

import dev.amble.amblefile.yaml.YamlNode.YamlMap;
import java.util.Set;
import java.util.TreeSet;

/** How the Amblefile's sections name each other: a workspace its workflow, a use its job. */
final class References {
  private References() {}

  /** A reference to an entry that exists but had problems of its own is not reported again. */
  static boolean definedIn(Fields top, String section, String name) {
    return top.node(section)
        .filter(YamlMap.class::isInstance)
        .map(m -> ((YamlMap) m).entries().containsKey(name))
        .orElse(false);
  }

  /**
   * The problem of a name that is in no entry of {@code section}: {@code no job named "x" (defined
   * jobs: a, b)}, with the closest name as a hint.
   */
  static String noSuch(String what, String section, String name, Set<String> names) {
    return "no "
        + what
        + " named \""
        + name
        + "\""
        + DidYouMean.hint(name, names)
        + (names.isEmpty()
            ? " (no " + section + " are defined)"
            : " (defined " + section + ": " + String.join(", ", new TreeSet<>(names)) + ")");
  }
}

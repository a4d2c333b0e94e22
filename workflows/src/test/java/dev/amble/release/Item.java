package dev.amble.release;

import java.util.Arrays;

/**
 * One thing the sources keep only for what older releases wrote or called.
 *
 * @param name a marker's change ID; an alias as {@code member<-alias}; a constructor as {@code
 *     Record(argument count)}
 * @param where the source file, from the repository root
 */
record Item(Kind kind, String name, String where) {
  enum Kind {
    MARKER("marker"),
    ALIAS("alias"),
    CONSTRUCTOR("constructor");

    final String word;

    Kind(String word) {
      this.word = word;
    }

    static Kind of(String word) {
      return Arrays.stream(values())
          .filter(k -> k.word.equals(word))
          .findFirst()
          .orElseThrow(
              () ->
                  new IllegalArgumentException(
                      "\"" + word + "\" is not a kind: marker, alias or constructor"));
    }
  }

  @Override
  public String toString() {
    return kind.word + " " + name + " in " + where;
  }
}

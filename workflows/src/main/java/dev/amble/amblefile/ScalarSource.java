package dev.amble.amblefile;

import dev.amble.amblefile.yaml.Position;

/**
 * Finds where a character of a scalar's value sits in the file, for scalars written plain, quoted,
 * or as block scalars ({@code >} and {@code |}), so that a problem inside a precondition can be
 * reported at its own line and column of the Amblefile.
 */
final class ScalarSource {
  private final String text;
  private final int[] lineStarts;

  ScalarSource(String text) {
    this.text = text;
    int lines = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lines++;
      }
    }
    lineStarts = new int[lines];
    int line = 1;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        lineStarts[line++] = i + 1;
      }
    }
  }

  /**
   * The file position of the character at {@code line}:{@code column} (both 1-based) of the value
   * of the scalar that starts at {@code scalarStart}.
   */
  Position locate(Position scalarStart, String value, int line, int column) {
    int target = offsetIn(value, line, column);
    int src = offset(scalarStart);
    if (src < text.length()) {
      char first = text.charAt(src);
      if (first == '>' || first == '|') {
        int eol = text.indexOf('\n', src);
        src = eol < 0 ? text.length() : eol + 1;
      } else if (first == '"' || first == '\'') {
        src++;
      }
    }
    for (int i = 0; i <= target && i < value.length(); i++) {
      char c = value.charAt(i);
      int probe = src;
      while (probe < text.length()
          && text.charAt(probe) != c
          && Character.isWhitespace(text.charAt(probe))) {
        probe++;
      }
      if (probe < text.length() && text.charAt(probe) == c) {
        src = probe;
      }
      if (i < target) {
        src++;
      }
    }
    return position(Math.min(src, Math.max(0, text.length() - 1)));
  }

  private static int offsetIn(String value, int line, int column) {
    int offset = 0;
    for (int l = 1; l < line; l++) {
      int eol = value.indexOf('\n', offset);
      if (eol < 0) {
        break;
      }
      offset = eol + 1;
    }
    return Math.min(offset + column - 1, Math.max(0, value.length() - 1));
  }

  private int offset(Position p) {
    int line = Math.min(Math.max(p.line(), 1), lineStarts.length);
    return Math.min(lineStarts[line - 1] + p.column() - 1, text.length());
  }

  private Position position(int offset) {
    int line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= offset) {
      line++;
    }
    return new Position(line + 1, offset - lineStarts[line] + 1);
  }
}

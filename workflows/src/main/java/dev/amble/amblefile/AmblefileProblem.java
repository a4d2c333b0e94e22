package dev.amble.amblefile;

import dev.amble.amblefile.yaml.Position;

/**
 * One mistake in an Amblefile, printed as {@code FILE:LINE:COL: path.to.key: message}.
 *
 * @param file the file as the operator named it
 * @param path the dotted path of the key at fault; empty for the document as a whole
 */
public record AmblefileProblem(String file, Position position, String path, String message) {
  @Override
  public String toString() {
    return file
        + ":"
        + position
        + ": "
        + oneLine(path.isEmpty() ? "" : path + ": ")
        + oneLine(message);
  }

  /**
   * Keys and values quoted in a problem may hold line breaks and other control characters: they are
   * escaped, so that a problem stays one line of the report and writes nothing to a terminal.
   */
  private static String oneLine(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append(c);
        default -> {
          if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
            out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}

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
    return file + ":" + position + ": " + (path.isEmpty() ? "" : path + ": ") + message;
  }
}

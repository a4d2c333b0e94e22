package dev.amble.amblefile.yaml;

/** A 1-based line and column in a source file. */
public record Position(int line, int column) {
  public static final Position START = new Position(1, 1);

  @Override
  public String toString() {
    return line + ":" + column;
  }
}

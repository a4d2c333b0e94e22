package dev.amble.amblefile;

import java.util.List;

/** Run overrides that cannot be used, each problem as {@code --option: message}. */
public final class OverrideException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<String> problems;

  OverrideException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

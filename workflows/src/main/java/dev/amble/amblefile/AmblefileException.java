package dev.amble.amblefile;

import java.util.List;

/** An Amblefile that cannot be used, with every problem found in it, in file order. */
public final class AmblefileException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<AmblefileProblem> problems;

  public AmblefileException(List<AmblefileProblem> problems) {
    super(problems.size() + " problem(s) in the Amblefile");
    this.problems = List.copyOf(problems);
  }

  public List<AmblefileProblem> problems() {
    return problems;
  }

  /** All problems, one per line, as they are printed on stderr. */
  public String report() {
    StringBuilder out = new StringBuilder();
    problems.forEach(p -> out.append(p).append('\n'));
    return out.toString();
  }
}

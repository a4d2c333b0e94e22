package dev.amble.precondition;

import java.util.List;

/** A precondition that does not compile. */
public final class PreconditionException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient List<PreconditionIssue> issues;

  public PreconditionException(List<PreconditionIssue> issues) {
    super(issues.isEmpty() ? "invalid precondition" : issues.get(0).message());
    this.issues = List.copyOf(issues);
  }

  public List<PreconditionIssue> issues() {
    return issues;
  }
}

package dev.amble.rollout;

import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;

/**
 * Ansible's syntax check of the rollout's content, on the worker, before any host is touched: a
 * rollout started by the CLI was checked there too, but one started by a schedule or an event was
 * not, and the worker checks the content it received. A failure ends the rollout failed, with
 * Ansible's error, its file and line. Histories begun before it have no {@value #CHANGE} marker and
 * go on without it.
 */
final class SyntaxCheck {
  static final String CHANGE = "syntax-check";

  static final int CHECKED = 1;

  /** The failure type of a rollout whose content failed the syntax check. */
  static final String FAILURE_TYPE = "AnsibleSyntax";

  private SyntaxCheck() {}

  /** Checks the rollout's playbooks, or ends the rollout failed. */
  static void beforeFirstHost(WorkspaceActivities workspace, RolloutRequest request) {
    if (Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, CHECKED) != CHECKED) {
      return;
    }
    SyntaxCheckResult r = workspace.checkSyntax(new SyntaxCheckRequest(request.definition()));
    if (!r.passed()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Ansible's syntax check of the rollout's playbooks failed, no host was touched: "
              + r.describe(),
          FAILURE_TYPE);
    }
  }
}

package dev.amble.rollout;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** What touches a whole workspace at once: its inventory and, for init, all its hosts' facts. */
@ActivityInterface
public interface WorkspaceActivities {
  /** Hosts resolved, then planned from their cached facts (no host is contacted), in walk order. */
  @ActivityMethod
  RolloutPlan planRollout(PlanRequest request);

  /**
   * Hosts resolved, then planned from their cached facts, in walk order, the plan kept in Temporal
   * as pages (see {@link dev.amble.pages.Pages}); returns counts and where the pages are.
   */
  @ActivityMethod
  PlanSummary planPages(PlanPagesRequest request);

  /**
   * Ansible's syntax check of every playbook the rollout runs, on this worker's copy of its
   * content: one ansible-playbook run (a few when job options disagree), no host contacted.
   */
  @ActivityMethod
  SyntaxCheckResult checkSyntax(SyntaxCheckRequest request);

  /** One Ansible run over every host, {@code forks} at a time: fresh facts into the cache. */
  @ActivityMethod
  InitResult gatherFacts(InitRequest request);
}

package dev.amble.pages;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Holds one {@link Page} in Temporal for as long as its rollout runs: the page is the workflow's
 * input, readable from its history by any worker or CLI that reaches Temporal, also after every
 * worker was replaced. Its ID is {@link Pages#id}. The rollout closes it when it ends.
 */
@WorkflowInterface
public interface PageWorkflow {
  @WorkflowMethod
  void hold(Page page);

  /** The rollout ended: the page closes, and is kept for the namespace's retention. */
  @SignalMethod(name = "close")
  void close();
}

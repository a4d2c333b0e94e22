package dev.amble.pages;

import io.temporal.workflow.Workflow;

/** Waits to be closed; its history is two events and a signal. */
public final class PageWorkflowImpl implements PageWorkflow {
  private boolean closed;

  @Override
  public void hold(Page page) {
    Workflow.await(() -> closed);
  }

  @Override
  public void close() {
    closed = true;
  }
}

package dev.amble.host;

import io.temporal.failure.ActivityFailure;

/**
 * Where and why a host walk failed, as parts: the step (prepare, job NAME, exit job NAME, finish),
 * the Ansible task that failed (empty when none is known) and what happened. {@link #text} is the
 * one line people read; notices take the step and the task from here, not from that line.
 */
public record HostFailure(String step, String task, String detail) {
  /** A walk that did not fail, or one recorded before failures had parts. */
  public static final HostFailure NONE = new HostFailure("", "", "");

  public HostFailure {
    step = step == null ? "" : step;
    task = task == null ? "" : task;
    detail = detail == null ? "" : detail;
  }

  /** The step's Ansible run did not go well. */
  static HostFailure of(String step, RunResult run) {
    return new HostFailure(step, run.ok() ? "" : run.task(), run.describe());
  }

  /** The step's activity failed on the worker, after its retries. */
  static HostFailure worker(String step, ActivityFailure fault) {
    return new HostFailure(step, "", HostWorkflowImpl.workerFault(fault));
  }

  /** {@code STEP: DETAIL}, for people. */
  public String text() {
    return step.isEmpty() ? detail : step + ": " + detail;
  }
}

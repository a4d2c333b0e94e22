package dev.amble.logs;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One read of a log, run by the worker that holds it: each worker polls a task queue of its own,
 * named after its identity (the identity Temporal records with every activity it runs), for these.
 * A CLI starts one per piece; when that worker is gone nothing answers, and the CLI says so.
 */
@WorkflowInterface
public interface LogWorkflow {
  /** The task queue of the worker whose identity is {@code workerIdentity}. */
  static String taskQueue(String workerIdentity) {
    return "amble-logs/" + workerIdentity;
  }

  /** Workflow IDs: {@code amble/@logs/UNIQUE}. */
  String ID_PREFIX = "amble/@logs/";

  @WorkflowMethod
  LogPiece read(LogRequest request);
}

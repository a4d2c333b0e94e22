package dev.amble.content;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Keeps one piece of a rollout's content in Temporal: the piece is the workflow's input, read from
 * the first event of its history by any worker that reaches Temporal. It runs (a timer, no work)
 * until its keep-until time, which every new use moves later; after that it closes and its history
 * stays for the namespace's retention. ID: {@link ContentRef#chunkId}.
 */
@WorkflowInterface
public interface ContentWorkflow {
  @WorkflowMethod
  void keep(ContentChunk chunk);

  /** Keep the piece at least until {@code instant} (ISO-8601); an earlier time changes nothing. */
  @SignalMethod(name = "keepUntil")
  void keepUntil(String instant);
}

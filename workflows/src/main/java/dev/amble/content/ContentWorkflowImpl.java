package dev.amble.content;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/** Waits until the latest keep-until time it was given; its history is a timer per extension. */
public final class ContentWorkflowImpl implements ContentWorkflow {
  private Instant until = Instant.EPOCH;
  private boolean moved;

  @Override
  public void keep(ContentChunk chunk) {
    keepUntil(chunk.keepUntil());
    while (true) {
      Duration left = Duration.between(Instant.ofEpochMilli(Workflow.currentTimeMillis()), until);
      if (left.isNegative() || left.isZero()) {
        return;
      }
      moved = false;
      Workflow.await(left, () -> moved);
    }
  }

  @Override
  public void keepUntil(String instant) {
    Instant later = Instant.parse(instant);
    if (later.isAfter(until)) {
      until = later;
      moved = true;
    }
  }
}

package dev.amble.rollout;

import dev.amble.visibility.AmbleSearchAttributes;
import io.temporal.workflow.Workflow;
import java.util.Map;

/**
 * Keeps a rollout's summary in its memo whenever it changed (one event each time), and its phase in
 * the AmbleOutcome search attribute when the rollout keeps search attributes. Both engines use it.
 */
final class MemoKeeper {
  private RolloutSummary recorded;

  void keep(RolloutStatus status, boolean searchAttributes) {
    RolloutSummary now = RolloutSummary.of(status);
    if (!now.equals(recorded)) {
      Workflow.upsertMemo(Map.of(RolloutSummary.MEMO_KEY, now));
      if (searchAttributes && (recorded == null || !recorded.phase().equals(now.phase()))) {
        Workflow.upsertTypedSearchAttributes(AmbleSearchAttributes.OUTCOME.valueSet(now.phase()));
      }
      recorded = now;
    }
  }
}

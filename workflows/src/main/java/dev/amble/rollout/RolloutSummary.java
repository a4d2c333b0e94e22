package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAlias;
import java.util.List;
import java.util.Map;

/**
 * A rollout in brief, kept in its workflow memo as it changes, so that status can be told (and the
 * Web UI can show it) while no worker runs to answer a query.
 */
public record RolloutSummary(
    String workspace,
    String workflow,
    String startedBy,
    @JsonAlias("check") boolean dryRun,
    String phase,
    int total,
    Map<String, Integer> counts,
    int remaining,
    List<String> inProgress,
    List<String> awaiting,
    Caught caught,
    Progress progress,
    String rollout,
    long seed,
    String ended,
    String pages,
    int failedPages,
    int failedTotal) {

  public static final String MEMO_KEY = "amble";

  /** A summary kept before pages existed lacks their fields. */
  public RolloutSummary {
    rollout = rollout == null ? "" : rollout;
    ended = ended == null ? "" : ended;
    pages = pages == null ? "" : pages;
  }

  public static RolloutSummary of(RolloutStatus s) {
    return new RolloutSummary(
        s.workspace(),
        s.workflow(),
        s.startedBy(),
        s.dryRun(),
        s.phase(),
        s.total(),
        s.counts(),
        s.remaining(),
        s.inProgress(),
        s.awaiting(),
        s.caught(),
        s.progress(),
        s.rollout(),
        s.seed(),
        s.ended(),
        s.pages(),
        s.failedPages(),
        s.failedTotal());
  }
}

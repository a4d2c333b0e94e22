package dev.amble.rollout;

import com.fasterxml.jackson.annotation.JsonAlias;
import dev.amble.content.ContentRef;
import dev.amble.window.WindowStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollout now: what {@code amble status} prints and the Web UI shows.
 *
 * @param phase {@code planning}, {@code walking}, {@code baking} (a wave bakes before its
 *     post-checks), {@code pausing} (between waves), {@code caught}, {@code draining} (caught or
 *     aborting, with hosts still in flight), {@code waiting} (outside the maintenance windows,
 *     nothing in flight), {@code done}, or {@code aborted}
 * @param inProgress hosts being walked now
 * @param results hosts with a result worth listing: those waiting for a release and the latest
 *     failures not yet on a failed page (at most {@link dev.amble.pages.Pages#RESULT_PAGE_SIZE});
 *     succeeded and skipped hosts are counted, not listed. (A rollout started before amble kept
 *     pages lists every host here.)
 * @param seed the shuffle seed the plan used
 * @param ended why the rollout ended, in one line; empty while it runs
 * @param pages the prefix of the rollout's page IDs ({@link dev.amble.pages.Pages}); empty for a
 *     rollout started before amble kept pages
 * @param failedPages how many pages of failed hosts there are
 * @param failedTotal failed hosts over every page and {@code results}
 * @param window the workspace's maintenance window open now or next; empty without windows
 */
public record RolloutStatus(
    String workspace,
    String workflow,
    String rollout,
    @JsonAlias("check") boolean dryRun,
    String startedBy,
    String phase,
    int total,
    Map<String, Integer> counts,
    int remaining,
    List<String> inProgress,
    Map<String, HostResult> results,
    List<String> awaiting,
    Caught caught,
    List<Steering> steering,
    int runs,
    Progress progress,
    long seed,
    String ended,
    String pages,
    int failedPages,
    int failedTotal,
    Optional<ContentRef> content,
    Optional<WindowStatus> window) {

  /** A status serialized before strategies (or pages) existed lacks their fields. */
  public RolloutStatus {
    progress = progress == null ? Progress.NONE : progress;
    ended = ended == null ? "" : ended;
    pages = pages == null ? "" : pages;
    content = content == null ? Optional.empty() : content;
    window = window == null ? Optional.empty() : window;
  }

  /** The rollout ended: done, aborted by a health check, or cancelled. */
  public boolean done() {
    return Phase.of(phase).ended();
  }

  public int count(dev.amble.host.Outcome outcome) {
    return counts.getOrDefault(outcome.word(), 0);
  }
}

package dev.amble.cli.look;

import dev.amble.pages.Page;
import dev.amble.pages.PageLine;
import dev.amble.pages.Pages;
import dev.amble.pages.TemporalPages;
import dev.amble.temporal.Executions;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A rollout's pages as the CLI finds them from their prefix ({@link Pages}): the plan's walk and
 * skipped lists ({@code walk.N}, {@code skipped.N} for planning attempt N; {@code walk.v1} for a
 * rollout the first engine began) and the failed list.
 */
public final class RolloutPages {
  /** Planning attempts looked for: the rollout's planning is retried far fewer times. */
  static final int ATTEMPTS = 10;

  private final WorkflowClient client;
  private final TemporalPages store;
  private final String prefix;

  /**
   * @param prefix the pages' prefix, as the rollout's status gives it (empty: it keeps none)
   */
  public RolloutPages(WorkflowClient client, String taskQueue, String prefix) {
    this.client = client;
    this.store = new TemporalPages(client, taskQueue);
    this.prefix = prefix;
  }

  /** The host as a page of skipped hosts of the latest planning lists it (the plan's reason). */
  Optional<PageLine> skipped(String host) {
    if (prefix.isEmpty()) {
      return Optional.empty();
    }
    for (int attempt = ATTEMPTS; attempt >= 1; attempt--) {
      String list = Pages.SKIPPED + "." + attempt;
      Optional<Page> first = store.read(Pages.id(prefix, list, 0));
      if (first.isEmpty()) {
        continue;
      }
      Optional<Page> page = first;
      for (int i = 1; page.isPresent(); i++) {
        Optional<PageLine> line =
            page.get().lines().stream().filter(l -> l.host().equals(host)).findFirst();
        if (line.isPresent()) {
          return line;
        }
        page = store.read(Pages.id(prefix, list, i));
      }
      return Optional.empty();
    }
    return Optional.empty();
  }

  /**
   * Terminates every page of the rollout that is still open: the failed pages, and the plan's walk
   * and skipped pages of each planning attempt. Returns the IDs it terminated.
   */
  public List<String> terminate(int failedPages, String reason) {
    List<String> ended = new ArrayList<>();
    if (prefix.isEmpty()) {
      return ended;
    }
    for (int i = 0; i < failedPages; i++) {
      terminate(Pages.id(prefix, Pages.FAILED, i), reason, ended);
    }
    List<String> lists = new ArrayList<>(List.of(Pages.WALK + ".v1"));
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      lists.add(Pages.WALK + "." + attempt);
      lists.add(Pages.SKIPPED + "." + attempt);
    }
    for (String list : lists) {
      // A list's pages are 0, 1, ...: the first one Temporal never had ends the list.
      for (int i = 0; exists(Pages.id(prefix, list, i)); i++) {
        terminate(Pages.id(prefix, list, i), reason, ended);
      }
    }
    return ended;
  }

  private void terminate(String id, String reason, List<String> ended) {
    if (store.terminate(id, reason)) {
      ended.add(id);
    }
  }

  /** Whether Temporal has (or had, closed) a page workflow with this ID. */
  private boolean exists(String id) {
    return Executions.describe(client, id).isPresent();
  }
}

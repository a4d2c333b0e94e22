package dev.amble.pages;

import java.util.List;

/**
 * One page of a rollout's host lists, kept in Temporal itself as the input of a {@link
 * PageWorkflow} that stays open while the rollout runs: the plan's walk order, the hosts the plan
 * skipped, and the hosts that failed. A page has a bounded number of lines, so no payload grows
 * with the fleet.
 *
 * @param kind what the page lists: {@link Pages#WALK}, {@link Pages#SKIPPED} or {@link
 *     Pages#FAILED}
 * @param index the page's place in its list, from 0
 */
public record Page(String kind, int index, List<PageLine> lines) {
  public Page {
    lines = lines == null ? List.of() : List.copyOf(lines);
  }
}

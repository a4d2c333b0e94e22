package dev.amble.amblefile;

import java.util.Optional;

/**
 * A named target: which hosts (an Ansible host pattern), which workflow walks them, and how.
 *
 * @param inventory an inventory source for Ansible's {@code -i}: an absolute path, or a
 *     comma-separated host list; empty means Ansible's configured default
 * @param strategy waves, failure budget, unreachable hosts, health checks
 */
public record WorkspaceSpec(
    String name,
    String hostPattern,
    String workflow,
    SortOrder sortOrder,
    int concurrency,
    boolean requireLimit,
    Optional<String> inventory,
    Strategy strategy) {

  /** A definition serialized before strategies existed has none: it gets the default. */
  public WorkspaceSpec {
    strategy = strategy == null ? Strategy.DEFAULT : strategy;
    inventory = inventory == null ? Optional.empty() : inventory;
  }

  /** What a command or a rollout says when the inventory has none of the workspace's hosts. */
  public String noHostsMatch(Optional<String> limit) {
    return "no hosts match \""
        + hostPattern
        + "\""
        + limit.map(l -> " with --limit \"" + l + "\"").orElse("")
        + " in the inventory";
  }

  WorkspaceSpec withSortOrder(SortOrder order) {
    return new WorkspaceSpec(
        name, hostPattern, workflow, order, concurrency, requireLimit, inventory, strategy);
  }

  WorkspaceSpec withConcurrency(int n) {
    return new WorkspaceSpec(
        name, hostPattern, workflow, sortOrder, n, requireLimit, inventory, strategy);
  }

  /** The same workspace with its inventory read from elsewhere (a worker's copy of the folder). */
  public WorkspaceSpec withInventory(Optional<String> source) {
    return new WorkspaceSpec(
        name, hostPattern, workflow, sortOrder, concurrency, requireLimit, source, strategy);
  }

  WorkspaceSpec withStrategy(Strategy s) {
    return new WorkspaceSpec(
        name, hostPattern, workflow, sortOrder, concurrency, requireLimit, inventory, s);
  }
}

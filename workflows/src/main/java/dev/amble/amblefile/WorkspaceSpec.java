package dev.amble.amblefile;

import dev.amble.facts.FactStore;
import java.util.List;
import java.util.Optional;

/**
 * A named target: which hosts (an Ansible host pattern), which workflow walks them, and how.
 *
 * @param inventory an inventory source for Ansible's {@code -i}: an absolute path, or a
 *     comma-separated host list; empty means Ansible's configured default
 * @param strategy waves, failure budget, unreachable hosts, health checks
 * @param facts where the workspace's facts are cached, if the Amblefile says (otherwise the CLI's
 *     {@code AMBLE_FACT_STORE}, otherwise jsonfile: see {@link #factStore})
 * @param windows when the workspace's hosts may start; empty means at any time
 * @param notifications where the workspace's rollout events go; empty means nowhere
 */
public record WorkspaceSpec(
    String name,
    String hostPattern,
    String workflow,
    SortOrder sortOrder,
    int concurrency,
    boolean requireLimit,
    Optional<String> inventory,
    Strategy strategy,
    Optional<FactStore> facts,
    Optional<Windows> windows,
    List<Notification> notifications) {

  /**
   * A definition serialized before strategies (or fact stores, or windows) existed has none: it
   * gets the default.
   */
  public WorkspaceSpec {
    strategy = strategy == null ? Strategy.DEFAULT : strategy;
    inventory = inventory == null ? Optional.empty() : inventory;
    facts = facts == null ? Optional.empty() : facts;
    windows = windows == null ? Optional.empty() : windows;
    notifications = notifications == null ? List.of() : List.copyOf(notifications);
  }

  /** A workspace that names no fact store, has no maintenance windows and notifies no one. */
  public WorkspaceSpec(
      String name,
      String hostPattern,
      String workflow,
      SortOrder sortOrder,
      int concurrency,
      boolean requireLimit,
      Optional<String> inventory,
      Strategy strategy) {
    this(
        name,
        hostPattern,
        workflow,
        sortOrder,
        concurrency,
        requireLimit,
        inventory,
        strategy,
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  /** The workspace's fact store: its own, or jsonfile. */
  public FactStore factStore() {
    return facts.orElseGet(FactStore.Jsonfile::new);
  }

  /** The same workspace with {@code store} when it names none. */
  public WorkspaceSpec withDefaultFacts(FactStore store) {
    return facts.isPresent()
        ? this
        : copy(
            sortOrder,
            concurrency,
            inventory,
            strategy,
            Optional.of(store),
            windows,
            notifications);
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
    return copy(order, concurrency, inventory, strategy, facts, windows, notifications);
  }

  WorkspaceSpec withConcurrency(int n) {
    return copy(sortOrder, n, inventory, strategy, facts, windows, notifications);
  }

  /** The same workspace with its inventory read from elsewhere (a worker's copy of the folder). */
  public WorkspaceSpec withInventory(Optional<String> source) {
    return copy(sortOrder, concurrency, source, strategy, facts, windows, notifications);
  }

  /** The same workspace, its hosts starting at any time. */
  public WorkspaceSpec withoutWindows() {
    return copy(
        sortOrder, concurrency, inventory, strategy, facts, Optional.empty(), notifications);
  }

  /** What a host walk reads of the workspace: see {@link Definition#forWalk()}. */
  WorkspaceSpec forWalk() {
    return copy(sortOrder, concurrency, inventory, strategy.forWalk(), facts, windows, List.of());
  }

  WorkspaceSpec withStrategy(Strategy s) {
    return copy(sortOrder, concurrency, inventory, s, facts, windows, notifications);
  }

  /** The same workspace with the settings a run, a worker, a command or a walk may change. */
  private WorkspaceSpec copy(
      SortOrder sortOrder,
      int concurrency,
      Optional<String> inventory,
      Strategy strategy,
      Optional<FactStore> facts,
      Optional<Windows> windows,
      List<Notification> notifications) {
    return new WorkspaceSpec(
        name,
        hostPattern,
        workflow,
        sortOrder,
        concurrency,
        requireLimit,
        inventory,
        strategy,
        facts,
        windows,
        notifications);
  }
}

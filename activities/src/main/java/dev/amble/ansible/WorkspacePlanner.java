package dev.amble.ansible;

import dev.amble.amblefile.Definition;
import dev.amble.facts.FactStore;
import dev.amble.plan.HostOrder;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Plan;
import dev.amble.plan.Planner;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Plans a workspace offline: its hosts from the inventory, in walk order, each decided from its
 * cached facts and inventory vars. No host is contacted.
 */
public final class WorkspacePlanner {
  private final Inventory inventory;
  private final Optional<WorkspaceDir> dir;

  /** Plans with the workspace's state in the Amblefile's folder (the CLI). */
  public WorkspacePlanner(Inventory inventory) {
    this(inventory, Optional.empty());
  }

  /** Plans with the workspace's state in {@code dir} (a worker's). */
  public WorkspacePlanner(Inventory inventory, Optional<WorkspaceDir> dir) {
    this.inventory = inventory;
    this.dir = dir;
  }

  private WorkspaceDir dir(Definition definition) {
    return dir.orElseGet(
        () ->
            WorkspaceDir.of(Path.of(definition.folder()), definition.workspace().name())
                .withStore(definition.workspace().factStore()));
  }

  public Plan plan(Definition definition, Optional<String> limit, long seed) {
    return plan(definition, hosts(definition, limit), limit, seed);
  }

  /** The workspace's hosts, from its inventory, narrowed by the limit. */
  public Inventory.Hosts hosts(Definition definition, Optional<String> limit) {
    Path folder = Path.of(definition.folder());
    return inventory.resolve(
        definition.workspace().inventory(),
        definition.workspace().hostPattern(),
        limit,
        folder,
        dir(definition));
  }

  public Plan plan(
      Definition definition, Inventory.Hosts hosts, Optional<String> limit, long seed) {
    WorkspaceDir dir = dir(definition);
    List<String> order = HostOrder.sort(hosts.names(), definition.workspace().sortOrder(), seed);
    Planner planner = new Planner(definition);
    List<HostPlan> plans;
    if (dir.store() instanceof FactStore.Jsonfile) {
      FactCache cache = new FactCache(dir.facts());
      plans =
          order.parallelStream().map(h -> planner.plan(h, cache.read(h), hosts.varsOf(h))).toList();
    } else {
      // Any other store is read through Ansible's own cache plugin, one process for all hosts.
      List<HostPlan> planned = new java.util.ArrayList<>(order.size());
      new FactReader(
              inventory.runner(),
              AnsibleEnvironment.forWorkspace(
                  inventory.runner(), Path.of(definition.folder()), dir, Optional.empty()),
              Path.of(definition.folder()))
          .read(order, (h, facts) -> planned.add(planner.plan(h, facts, hosts.varsOf(h))));
      plans = planned;
    }
    return new Plan(
        definition.workspace().name(),
        definition.workflow().name(),
        definition.workspace().hostPattern(),
        limit,
        definition.workspace().sortOrder(),
        seed,
        plans,
        definition.workspace().strategy());
  }
}

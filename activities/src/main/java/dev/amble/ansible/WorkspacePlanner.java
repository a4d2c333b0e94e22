package dev.amble.ansible;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.amblefile.Definition;
import dev.amble.facts.FactStore;
import dev.amble.plan.HostOrder;
import dev.amble.plan.HostPlan;
import dev.amble.plan.Placement;
import dev.amble.plan.Plan;
import dev.amble.plan.Planner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Plans a workspace offline: its hosts from the inventory, in walk order, each decided from its
 * cached facts and inventory vars. No host is contacted.
 */
public final class WorkspacePlanner {
  /** Threads reading facts beside ansible-inventory, which keeps one processor busy. */
  private static final int PREFETCH_THREADS =
      Math.max(1, Runtime.getRuntime().availableProcessors() - 1);

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
    return plan(definition, limit, seed, hosts -> {});
  }

  /**
   * The workspace's hosts resolved, shown to {@code resolved} (which may refuse them by throwing),
   * then planned. With the jsonfile store, and preconditions that read facts by name, the hosts'
   * facts are read while ansible-inventory resolves the hosts, on the processors it leaves idle.
   */
  public Plan plan(
      Definition definition,
      Optional<String> limit,
      long seed,
      Consumer<Inventory.Hosts> resolved) {
    Optional<Set<String>> keys = FactKeys.of(definition);
    Optional<FactCache> cache = jsonfile(definition, keys);
    if (cache.isEmpty() || keys.isEmpty()) {
      Inventory.Hosts hosts = hosts(definition, limit);
      resolved.accept(hosts);
      return plan(definition, hosts, limit, seed, keys, cache);
    }
    try (FactCache.Prefetch prefetch = cache.get().prefetch(PREFETCH_THREADS)) {
      Inventory.Hosts hosts = hosts(definition, limit);
      resolved.accept(hosts);
      return plan(definition, hosts, limit, seed, keys, cache);
    }
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
    Optional<Set<String>> keys = FactKeys.of(definition);
    return plan(definition, hosts, limit, seed, keys, jsonfile(definition, keys));
  }

  /**
   * The workspace's jsonfile cache, keeping only the facts planning reads (all if it may read any);
   * empty with any other store.
   */
  private Optional<FactCache> jsonfile(Definition definition, Optional<Set<String>> keys) {
    WorkspaceDir dir = dir(definition);
    if (!(dir.store() instanceof FactStore.Jsonfile)) {
      return Optional.empty();
    }
    return Optional.of(
        keys.map(k -> new FactCache(dir.facts(), k)).orElseGet(() -> new FactCache(dir.facts())));
  }

  /**
   * @param keys the top-level facts planning reads; empty when it may read any
   * @param cache the jsonfile store's cache; empty with any other store
   */
  private Plan plan(
      Definition definition,
      Inventory.Hosts hosts,
      Optional<String> limit,
      long seed,
      Optional<Set<String>> keys,
      Optional<FactCache> cache) {
    WorkspaceDir dir = dir(definition);
    List<String> order = HostOrder.sort(hosts.names(), definition.workspace().sortOrder(), seed);
    Planners planner = new Planners(new Planner(definition), keys.isPresent());
    List<HostPlan> plans;
    if (cache.isPresent()) {
      FactCache facts = cache.get();
      plans =
          order.parallelStream()
              .map(h -> planner.plan(h, facts.read(h), hosts.varsOf(h)))
              .map(p -> withoutVaulted(p, hosts.vaulted()))
              .toList();
    } else {
      // Any other store is read through Ansible's own cache plugin, one process for all hosts.
      List<HostPlan> planned = new java.util.ArrayList<>(order.size());
      new FactReader(
              inventory.runner(),
              AnsibleEnvironment.forWorkspace(
                  inventory.runner(), Path.of(definition.folder()), dir, Optional.empty()),
              Path.of(definition.folder()))
          .read(
              order,
              (h, facts) ->
                  planned.add(
                      withoutVaulted(
                          planner.plan(
                              h,
                              keys.isEmpty()
                                  ? facts
                                  : facts.map(f -> FactCache.select(f, keys.get())),
                              hosts.varsOf(h)),
                          hosts.vaulted())));
      plans = planned;
    }
    return new Plan(
        definition.workspace().name(),
        definition.workflow().name(),
        definition.workspace().hostPattern(),
        limit,
        definition.workspace().sortOrder(),
        seed,
        Placement.order(plans, definition.workspace().strategy()),
        definition.workspace().strategy());
  }

  /** The plan with the plaintexts of vault values in its reason shown as {@code <vault>}. */
  static HostPlan withoutVaulted(HostPlan plan, Set<String> vaulted) {
    if (vaulted.isEmpty() || plan.reason().isEmpty()) {
      return plan;
    }
    return plan.decided(
        plan.decision(),
        dev.amble.precondition.Verdict.fails(plan.reason()).without(vaulted).reason(),
        plan.note());
  }

  /**
   * A {@link Planner}, asked once for each distinct pair of facts (those planning reads) and vars:
   * it is pure, so hosts alike get the same decision, reason and note. A fleet's hosts are mostly
   * alike in the few facts that preconditions read, and evaluating preconditions is most of the
   * cost of planning a host whose facts were read ahead.
   */
  private static final class Planners {
    /** Distinct pairs remembered, at most: hosts beyond are planned each on its own. */
    private static final int REMEMBERED = 10_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Planner planner;
    private final boolean remember;
    private final Map<String, HostPlan> plans = new ConcurrentHashMap<>();

    /**
     * @param remember whether to remember plans: only when the facts are the few planning reads
     */
    Planners(Planner planner, boolean remember) {
      this.planner = planner;
      this.remember = remember;
    }

    HostPlan plan(String host, Optional<JsonNode> facts, JsonNode vars) {
      if (!remember) {
        return planner.plan(host, facts, vars);
      }
      // Serialized JSON keeps the order of keys, which CEL sees (it iterates maps in order);
      // JSON never holds a raw NUL, which separates the two.
      String key;
      try {
        key =
            (facts.isPresent() ? "F" + JSON.writeValueAsString(facts.get()) : "-")
                + '\0'
                + JSON.writeValueAsString(vars);
      } catch (JsonProcessingException e) {
        return planner.plan(host, facts, vars);
      }
      HostPlan known = plans.get(key);
      if (known != null) {
        return known.forHost(host); // the same vars: the same place
      }
      HostPlan plan = planner.plan(host, facts, vars);
      if (plans.size() < REMEMBERED) {
        plans.putIfAbsent(key, plan);
      }
      return plan;
    }
  }
}

package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A workspace's hosts and their inventory vars, as {@code ansible-inventory} resolves them: the
 * workspace's host pattern, narrowed by the operator's limit exactly as {@code ansible-playbook
 * --limit} would. Vars are untemplated, as the inventory writes them.
 */
public final class Inventory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /** The hosts in inventory order, and each host's vars (an empty object when it has none). */
  public record Hosts(List<String> names, Map<String, JsonNode> vars) {
    public JsonNode varsOf(String host) {
      return vars.getOrDefault(host, JsonNodeFactory.instance.objectNode());
    }
  }

  private final ProcessRunner runner;

  public Inventory(ProcessRunner runner) {
    this.runner = runner;
  }

  ProcessRunner runner() {
    return runner;
  }

  /**
   * @param inventory Ansible's {@code -i} source; empty for Ansible's configured default
   * @param folder the Amblefile's folder: Ansible runs there, so its ansible.cfg applies
   */
  public Hosts resolve(
      Optional<String> inventory,
      String pattern,
      Optional<String> limit,
      Path folder,
      WorkspaceDir dir) {
    Path log = dir.workspaceLogs().resolve("inventory.log");
    Hosts hosts = hosts(list(inventory, new Limit.Pattern(pattern), folder, dir, log));
    if (limit.isEmpty()) {
      return hosts;
    }
    Set<String> limited =
        new HashSet<>(
            hosts(list(inventory, new Limit.Pattern(limit.get()), folder, dir, log)).names());
    List<String> names = hosts.names().stream().filter(limited::contains).toList();
    Map<String, JsonNode> vars = new LinkedHashMap<>();
    names.forEach(n -> vars.put(n, hosts.varsOf(n)));
    return new Hosts(names, vars);
  }

  /** {@code ansible-inventory --list}, narrowed by the limit. */
  private JsonNode list(
      Optional<String> inventory, Limit limit, Path folder, WorkspaceDir dir, Path log) {
    Map<String, String> environment =
        new HashMap<>(AnsibleEnvironment.forWorkspace(runner, folder, dir, Optional.empty()));
    // With a fact cache configured, ansible-inventory reads and decodes every host's cached
    // facts into hostvars (seconds per thousand hosts); the inventory's own vars are all we need.
    environment.put("ANSIBLE_CACHE_PLUGIN", "memory");
    try (RunFiles files = RunFiles.open(dir)) {
      Path out = files.output("inventory.json");
      List<String> args = new ArrayList<>();
      inventory.ifPresent(i -> args.addAll(List.of("-i", i)));
      args.add("--list");
      args.addAll(files.limit(limit));
      args.addAll(List.of("--output", out.toString()));
      ProcessOutcome outcome =
          runner.run(
              new AnsibleCommand(
                  "ansible-inventory", args, folder, environment, log, Optional.empty(), TIMEOUT),
              ActivityHeartbeat.current());
      if (outcome.exitCode() != 0 || !Files.exists(out)) {
        throw new AnsibleException(
            AnsibleError.explain(
                "ansible-inventory failed (exit " + outcome.exitCode() + ")", log));
      }
      return JSON.readTree(out.toFile());
    } catch (IOException e) {
      throw new AnsibleException("cannot read ansible-inventory output: " + e.getMessage(), e);
    }
  }

  /** Every host under {@code all}, in inventory order, with its vars. */
  static Hosts hosts(JsonNode listed) {
    Set<String> names = new LinkedHashSet<>();
    collect(listed, "all", names, new HashSet<>());
    JsonNode hostvars = listed.path("_meta").path("hostvars");
    hostvars.fieldNames().forEachRemaining(names::add);
    Map<String, JsonNode> vars = new LinkedHashMap<>();
    for (String name : names) {
      JsonNode v = hostvars.get(name);
      vars.put(name, v != null && v.isObject() ? v : JsonNodeFactory.instance.objectNode());
    }
    return new Hosts(List.copyOf(names), vars);
  }

  private static void collect(JsonNode listed, String group, Set<String> names, Set<String> seen) {
    if (!seen.add(group)) {
      return;
    }
    JsonNode g = listed.path(group);
    g.path("hosts").forEach(h -> names.add(h.asText()));
    g.path("children").forEach(c -> collect(listed, c.asText(), names, seen));
  }
}

package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A workspace's hosts and their inventory vars, as {@code ansible-inventory} resolves them: the
 * workspace's host pattern, narrowed by the operator's limit exactly as {@code ansible-playbook
 * --limit} would. Vars are untemplated, as the inventory writes them.
 */
public final class Inventory {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofMinutes(10);

  /**
   * The hosts in inventory order, and each host's vars (an empty object when it has none).
   *
   * @param vaulted the plaintexts of the vault values among the vars (inline ones, and those of
   *     vault-encrypted var files), to keep out of reports
   */
  public record Hosts(List<String> names, Map<String, JsonNode> vars, Set<String> vaulted) {
    public Hosts(List<String> names, Map<String, JsonNode> vars) {
      this(names, vars, Set.of());
    }

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
    Hosts hosts =
        decrypted(
            hosts(list(inventory, new Limit.Pattern(pattern), folder, dir, log)),
            () -> EncryptedVarFiles.values(inventory, folder, runner.vaultPassword().get()));
    if (limit.isEmpty()) {
      return hosts;
    }
    Set<String> limited =
        new HashSet<>(
            hosts(list(inventory, new Limit.Pattern(limit.get()), folder, dir, log)).names());
    List<String> names = hosts.names().stream().filter(limited::contains).toList();
    Map<String, JsonNode> vars = new LinkedHashMap<>();
    names.forEach(n -> vars.put(n, hosts.varsOf(n)));
    return new Hosts(names, vars, hosts.vaulted());
  }

  /**
   * The hosts with their inline vault values ({@code {"__ansible_vault": ...}} in
   * ansible-inventory's output, which never decrypts them) decrypted with the runner's vault
   * password, so that preconditions decide on their values as Ansible's tasks see them. Without the
   * password, or with one that does not open a value, the value stays as ansible-inventory printed
   * it. Their plaintexts, and the values of vault-encrypted var files ({@code fromFiles}), which
   * ansible-inventory prints decrypted like any others, become {@link Hosts#vaulted}.
   */
  private Hosts decrypted(Hosts hosts, Supplier<Set<String>> fromFiles) {
    if (runner.vaultPassword().isEmpty()) {
      return hosts;
    }
    VaultPassword password = runner.vaultPassword().get();
    Map<String, Optional<String>> opened = new HashMap<>();
    Set<String> vaulted = new HashSet<>(fromFiles.get());
    Map<String, JsonNode> vars = new LinkedHashMap<>();
    hosts
        .vars()
        .forEach(
            (host, v) ->
                vars.put(
                    host,
                    decrypted(
                        v, text -> opened.computeIfAbsent(text, password::decrypt), vaulted)));
    return new Hosts(hosts.names(), vars, Set.copyOf(vaulted));
  }

  private static JsonNode decrypted(
      JsonNode node, Function<String, Optional<String>> open, Set<String> vaulted) {
    if (node.isObject() && node.size() == 1 && node.path(VAULT_KEY).isTextual()) {
      Optional<String> plain = open.apply(node.get(VAULT_KEY).textValue());
      plain.ifPresent(vaulted::add);
      return plain.<JsonNode>map(JsonNodeFactory.instance::textNode).orElse(node);
    }
    if (node.isObject()) {
      ObjectNode copy = JsonNodeFactory.instance.objectNode();
      node.fields()
          .forEachRemaining(e -> copy.set(e.getKey(), decrypted(e.getValue(), open, vaulted)));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> copy.add(decrypted(item, open, vaulted)));
      return copy;
    }
    return node;
  }

  /** How ansible-inventory's JSON marks a value it left encrypted. */
  static final String VAULT_KEY = "__ansible_vault";

  /** {@code ansible-inventory --list}, narrowed by the limit. */
  private JsonNode list(
      Optional<String> inventory, Limit limit, Path folder, WorkspaceDir dir, Path log) {
    Map<String, String> environment =
        new HashMap<>(AnsibleEnvironment.forWorkspace(runner, folder, dir, Optional.empty()));
    // With a fact cache configured, ansible-inventory reads and decodes every host's cached
    // facts into hostvars (seconds per thousand hosts); the inventory's own vars are all we need.
    // That makes its Ansible configuration one no job shares: it uses an executor only if one
    // runs already, rather than warm one up for a run or two per rollout.
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
                  "ansible-inventory",
                  args,
                  folder,
                  environment,
                  log,
                  Optional.empty(),
                  TIMEOUT,
                  AnsibleCommand.ExecutorUse.IF_RUNNING),
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

package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.amble.host.HostTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A host's inventory vars, which preconditions read as {@code vars}. They never go through
 * Temporal (inventories hold secrets): resolving a workspace's hosts writes each host's vars to
 * {@code .amble/WORKSPACE/vars/HOST.json} on the worker, and the host's activities read them
 * there. A worker that finds no file (another machine) asks {@code ansible-inventory --host}.
 */
public final class HostVars {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HostVars() {}

  static Path file(WorkspaceDir dir, String host) {
    return dir.root().resolve("vars").resolve(WorkspaceDir.fileName(host) + ".json");
  }

  /** Writes every host's vars, replacing what an earlier resolution wrote. */
  public static void writeAll(WorkspaceDir dir, Inventory.Hosts hosts) {
    try {
      Files.createDirectories(dir.root().resolve("vars"));
      for (String host : hosts.names()) {
        Path target = file(dir, host);
        Path temp = target.resolveSibling(target.getFileName() + ".tmp");
        PlaybookRun.writePrivate(temp, JSON.writeValueAsString(hosts.varsOf(host)));
        Files.move(temp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("writing host vars under " + dir.root(), e);
    }
  }

  public static JsonNode read(ProcessRunner runner, HostTarget target) {
    WorkspaceDir dir = WorkspaceDir.of(Path.of(target.folder()), target.workspace());
    Path file = file(dir, target.host());
    try {
      if (Files.isRegularFile(file)) {
        return JSON.readTree(file.toFile());
      }
      return fromInventory(runner, target, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("reading host vars " + file, e);
    }
  }

  private static JsonNode fromInventory(ProcessRunner runner, HostTarget target, WorkspaceDir dir)
      throws IOException {
    String id = UUID.randomUUID().toString();
    Path out = dir.run().resolve(id + ".json");
    Path limit = dir.run().resolve(id + ".limit");
    PlaybookRun.writePrivate(limit, PlaybookRun.exactPattern(target.host()) + "\n");
    List<String> args = new ArrayList<>();
    target.inventory().ifPresent(i -> args.addAll(List.of("-i", i)));
    args.addAll(List.of("--list", "--limit", "@" + limit, "--output", out.toString()));
    Map<String, String> env =
        new HashMap<>(AnsibleEnvironment.forWorkspace(runner.ansible(), Path.of(target.folder()), dir, Optional.empty()));
    env.put("ANSIBLE_CACHE_PLUGIN", "memory");
    Files.createDirectories(dir.run());
    Path log = dir.hostLogs(target.host()).resolve("inventory.log");
    try {
      ProcessOutcome outcome =
          runner.run(
              new AnsibleCommand("ansible-inventory", args, Path.of(target.folder()), env, log, Optional.empty(), Duration.ofMinutes(5)),
              ActivityHeartbeat.current());
      if (outcome.exitCode() != 0 || !Files.exists(out)) {
        throw new AnsibleException("ansible-inventory --host failed: " + LogTail.lastLines(log, 3));
      }
      JsonNode vars = JSON.readTree(out.toFile()).path("_meta").path("hostvars").path(target.host());
      return vars.isObject() ? vars : JsonNodeFactory.instance.objectNode();
    } finally {
      PlaybookRun.deleteQuietly(out);
      PlaybookRun.deleteQuietly(limit);
    }
  }
}

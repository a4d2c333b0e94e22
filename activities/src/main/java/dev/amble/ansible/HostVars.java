package dev.amble.ansible;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.amble.host.HostTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A host's inventory vars, which preconditions read as {@code vars}. They never go through Temporal
 * (inventories hold secrets): resolving a workspace's hosts writes each host's vars to {@code
 * .amble/WORKSPACE/vars/HOST.json} on the worker, and the host's activities read them there. A
 * worker that finds no file (another machine) asks {@code ansible-inventory --host}.
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
        RunFiles.writePrivate(temp, JSON.writeValueAsString(hosts.varsOf(host)));
        Files.move(
            temp,
            target,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
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
      return new Inventory(runner).varsOf(target);
    } catch (IOException e) {
      throw new UncheckedIOException("reading host vars " + file, e);
    }
  }
}

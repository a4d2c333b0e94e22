package dev.amble.ansible;

import dev.amble.facts.FactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A workspace's folder on the controller, {@code <Amblefile folder>/.amble/<workspace>/} (on a
 * worker, in its own folder: see ContentFolders):
 *
 * <pre>
 *   facts/      Ansible's jsonfile fact cache, written by Ansible itself (or elsewhere: facts)
 *   logs/HOST/  one log per Ansible run on the host (and its events, as JSON lines)
 *   logs/all/   logs of runs over the whole workspace (inventory, init)
 *   playbooks/  the playbooks amble renders for prepare and finish
 *   run/        a private folder (0700) per Ansible run for its limit, vars and output files
 *               (0600), deleted after the run (see RunFiles)
 * </pre>
 */
public record WorkspaceDir(Path root, Path facts, FactStore store) {
  public static WorkspaceDir of(Path amblefileFolder, String workspace) {
    return at(amblefileFolder.resolve(".amble").resolve(workspace));
  }

  /** A workspace's folder elsewhere (a worker's), with the jsonfile fact cache in it. */
  public static WorkspaceDir at(Path root) {
    return new WorkspaceDir(root, root.resolve("facts"), new FactStore.Jsonfile());
  }

  /** The same folder, with Ansible's jsonfile fact cache elsewhere. */
  public WorkspaceDir withFacts(Path facts) {
    return new WorkspaceDir(root, facts, store);
  }

  /** The same folder, with the workspace's facts in {@code store} (jsonfile: in {@link #facts}). */
  public WorkspaceDir withStore(FactStore store) {
    return new WorkspaceDir(root, facts, store);
  }

  public Path logs() {
    return root.resolve("logs");
  }

  public Path hostLogs(String host) {
    return logs().resolve(fileName(host));
  }

  public Path workspaceLogs() {
    return logs().resolve("all");
  }

  public Path playbooks() {
    return root.resolve("playbooks");
  }

  public Path run() {
    return root.resolve("run");
  }

  /** Deletes a folder of the workspace and everything in it; nothing happens if it is missing. */
  public static void deleteTree(Path folder) throws java.io.IOException {
    if (!java.nio.file.Files.exists(folder)) {
      return;
    }
    try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(folder)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.delete(p);
      }
    }
  }

  /**
   * A host name as a file name: letters, digits, '.', '_' and '-' stay, every other byte of its
   * UTF-8 is written %XX, so no host name can climb out of its folder or clash with another.
   */
  public static String fileName(String host) {
    StringBuilder out = new StringBuilder();
    for (byte b : host.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-'
          || (c == '.' && out.length() > 0)) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}

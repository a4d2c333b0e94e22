package dev.amble.ansible;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

/**
 * The private files of one Ansible run: a limit file, an extra-vars file, an output file. They live
 * in a folder of their own under the workspace's {@code run/} (mode 0700, each file 0600, so only
 * the worker's user reads them), and are deleted with it when the run is over.
 */
public final class RunFiles implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path folder;

  private RunFiles(Path folder) {
    this.folder = folder;
  }

  /** A new private folder for one run of the workspace. */
  public static RunFiles open(WorkspaceDir dir) {
    try {
      Files.createDirectories(dir.run());
      return new RunFiles(
          Files.createDirectory(
              dir.run().resolve(UUID.randomUUID().toString()),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    } catch (IOException e) {
      throw new UncheckedIOException("creating a private folder under " + dir.run(), e);
    }
  }

  /** The {@code --limit} arguments of a limit: a host in a limit file, a pattern as it is. */
  List<String> limit(Limit limit) {
    if (limit instanceof Limit.Host host) {
      return List.of("--limit", "@" + write("limit", exactPattern(host.name()) + "\n"));
    }
    if (limit instanceof Limit.Pattern pattern) {
      return List.of("--limit", pattern.pattern());
    }
    return List.of();
  }

  /** The extra-vars file: {@code @FILE} for {@code -e}. */
  String vars(ObjectNode vars) {
    try {
      return "@" + write("vars.json", JSON.writeValueAsString(vars));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where a program may write output of its own (ansible-inventory --output). */
  Path output(String name) {
    return folder.resolve(name);
  }

  private Path write(String name, String content) {
    try {
      Path file = folder.resolve(name);
      writePrivate(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      WorkspaceDir.deleteTree(folder);
    } catch (IOException ignored) {
      // a leftover in run/ holds nothing once its run is over, and the next run does not read it
    }
  }

  /**
   * An Ansible host pattern matching exactly one host name: {@code ~} makes it a regular
   * expression, and escaping every ASCII symbol makes it literal. Lines of a limit file are not
   * split on {@code ,} or {@code :}, so the name goes to Ansible whole.
   */
  public static String exactPattern(String host) {
    if (host.indexOf('\n') >= 0 || host.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a host name cannot contain a line break");
    }
    StringBuilder p = new StringBuilder("~^");
    host.codePoints()
        .forEach(
            c -> {
              if (c < 128 && !Character.isLetterOrDigit(c)) {
                p.append('\\');
              }
              p.appendCodePoint(c);
            });
    return p.append('$').toString();
  }

  /** Writes a file only the worker's user can read (0600), replacing any file there. */
  static void writePrivate(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content, StandardCharsets.UTF_8);
  }
}

package dev.amble.amblefile;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Paths an Amblefile names (inventories, tasks files, playbooks), resolved against its folder. */
final class FolderPaths {
  private final Path folder;

  FolderPaths(Path folder) {
    this.folder = folder;
  }

  /** A path that must exist; a problem at {@code key} when it does not. */
  Optional<String> existing(Fields f, String key, String value) {
    Optional<Path> p = resolve(value);
    if (p.isEmpty() || !Files.exists(p.get())) {
      f.problem(key, notFound(value));
      return Optional.empty();
    }
    return Optional.of(p.get().toString());
  }

  /** A path resolved against the Amblefile's folder; empty when no file can have that name. */
  Optional<Path> resolve(String value) {
    try {
      return Optional.of(folder.resolve(value).normalize());
    } catch (InvalidPathException e) {
      return Optional.empty();
    }
  }

  String notFound(String path) {
    if (resolve(path).isEmpty()) {
      return "not a file name: " + path;
    }
    return "file not found: "
        + path
        + (Path.of(path).isAbsolute() ? "" : " (relative paths start at the Amblefile's folder)");
  }
}

package dev.amble.cli.common;

import dev.amble.amblefile.Amblefile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The workspace a command acts on: {@code -w NAME}, else {@code $AMBLE_WORKSPACE}, else the one
 * chosen with {@code amble workspace use} (kept in {@code .amble/current-workspace} beside the
 * Amblefile), else the only workspace there is.
 */
public final class CurrentWorkspace {
  private CurrentWorkspace() {}

  static Path file(Amblefile amblefile) {
    return Path.of(amblefile.folder(), ".amble", "current-workspace");
  }

  static String resolve(Amblefile amblefile, Optional<String> option, Map<String, String> env) {
    Optional<String> chosen =
        option
            .or(() -> Optional.ofNullable(env.get("AMBLE_WORKSPACE")).filter(s -> !s.isBlank()))
            .or(() -> stored(amblefile));
    if (chosen.isPresent()) {
      return known(amblefile, chosen.get());
    }
    if (amblefile.workspaces().size() == 1) {
      return amblefile.workspaces().keySet().iterator().next();
    }
    throw Exit.badInput(
        "amble: several workspaces are defined ("
            + String.join(", ", new TreeSet<>(amblefile.workspaces().keySet()))
            + "); choose one with `amble workspace use NAME` or -w NAME");
  }

  public static String known(Amblefile amblefile, String name) {
    if (!amblefile.workspaces().containsKey(name)) {
      throw Exit.badInput(
          "amble: no workspace named \""
              + name
              + "\" in "
              + amblefile.file()
              + " (defined: "
              + String.join(", ", new TreeSet<>(amblefile.workspaces().keySet()))
              + ")");
    }
    return name;
  }

  static Optional<String> stored(Amblefile amblefile) {
    try {
      return Optional.of(Files.readString(file(amblefile), StandardCharsets.UTF_8).strip())
          .filter(s -> !s.isEmpty());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  public static void store(Amblefile amblefile, String name) {
    try {
      Files.createDirectories(file(amblefile).getParent());
      Files.writeString(file(amblefile), name + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new Exit(1, "amble: cannot write " + file(amblefile) + ": " + e.getMessage());
    }
  }
}

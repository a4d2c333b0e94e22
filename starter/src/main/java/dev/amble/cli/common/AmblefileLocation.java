package dev.amble.cli.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Which Amblefile a command uses: {@code -f FILE}, else {@code $AMBLE_FILE}, else ./Amblefile.yml.
 */
public record AmblefileLocation(Path path, String shownAs, String source) {
  public static final String DEFAULT_NAME = "Amblefile.yml";

  static AmblefileLocation find(Optional<String> option, Map<String, String> env, Path cwd) {
    if (option.isPresent()) {
      return of(option.get(), cwd, "-f");
    }
    String fromEnv = env.get("AMBLE_FILE");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return of(fromEnv, cwd, "AMBLE_FILE");
    }
    return of(DEFAULT_NAME, cwd, "the current folder");
  }

  private static AmblefileLocation of(String given, Path cwd, String source) {
    Path p = cwd.resolve(given).normalize();
    return new AmblefileLocation(Files.isDirectory(p) ? p.resolve(DEFAULT_NAME) : p, given, source);
  }

  void requireExists() {
    if (!Files.isRegularFile(path)) {
      throw Exit.badInput(
          "amble: no Amblefile at "
              + path
              + " (from "
              + source
              + "). Give one with -f FILE (before the command) or AMBLE_FILE, or run amble in the"
              + " folder that holds Amblefile.yml.");
    }
  }
}

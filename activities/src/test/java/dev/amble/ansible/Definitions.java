package dev.amble.ansible;

import dev.amble.amblefile.AmblefileException;
import dev.amble.amblefile.AmblefileLoader;
import dev.amble.amblefile.Definition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Definitions for tests, from Amblefile text written into a folder (validated as for real). */
public final class Definitions {
  private Definitions() {}

  public static Definition write(Path folder, String workspace, String amblefile) {
    try {
      Path file = folder.resolve("Amblefile.yml");
      Files.createDirectories(folder);
      Files.writeString(file, amblefile);
      return AmblefileLoader.load(file, "Amblefile.yml").definition(workspace);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (AmblefileException e) {
      throw new IllegalArgumentException(e.report(), e);
    }
  }
}

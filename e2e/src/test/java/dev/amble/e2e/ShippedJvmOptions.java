package dev.amble.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The JVM options amble's launchers give the CLI and the worker ({@code
 * starter/src/dist/share/jvm.options}): tests and benches that start amble with {@code java -jar}
 * run it as the launchers do.
 */
public final class ShippedJvmOptions {
  private ShippedJvmOptions() {}

  /** The options of the checkout at {@code root}, in their order. */
  public static List<String> of(Path root) {
    try {
      return Files.readAllLines(root.resolve("starter/src/dist/share/jvm.options")).stream()
          .map(line -> line.replaceFirst("#.*", "").strip())
          .filter(option -> !option.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

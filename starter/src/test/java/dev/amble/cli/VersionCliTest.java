package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code amble --version}: the release the build is, from the project's version (RELEASING.md). */
class VersionCliTest {
  @Test
  void theVersionIsTheProjectsRelease(@TempDir Path dir) {
    CliRun run = CliRun.run(dir, "--version");
    assertEquals(0, run.code(), run.toString());
    String version = System.getProperty("amble.version");
    assertTrue(run.out().startsWith("amble " + version), run.toString());
    if (version.endsWith("-SNAPSHOT")) {
      assertTrue(run.out().contains("(development build"), run.toString());
    }
  }
}

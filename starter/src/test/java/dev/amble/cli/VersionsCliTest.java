package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.worker.EmbeddedTemporal;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble versions} against a server without worker deployments (the embedded tier's test
 * server): a clear answer, exit 2, nothing changed. The real server's side is e2e
 * WorkerUpgradeTest.
 */
class VersionsCliTest {
  @Test
  void aServerWithoutDeploymentsSaysItsWorkersRunUnversioned(@TempDir Path dir) {
    try (EmbeddedTemporal server = EmbeddedTemporal.start()) {
      Map<String, String> there = Map.of("TEMPORAL_ADDRESS", server.address());
      CliRun list = CliRun.run(dir, there, "versions");
      assertEquals(2, list.code(), list.toString());
      assertTrue(list.err().contains("has no worker deployments"), list.toString());
      CliRun make = CliRun.run(dir, there, "versions", "--make-current", "b2");
      assertEquals(2, make.code(), make.toString());
      assertTrue(make.err().contains("has no worker deployments"), make.toString());
    }
  }
}

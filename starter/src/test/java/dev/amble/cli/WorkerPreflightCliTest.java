package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amble worker} runs Ansible once before it polls (see AnsiblePreflight): a worker whose
 * Ansible settings break ansible-inventory refuses to start, in one line that names the fix, with
 * exit code 2, before it connects to Temporal.
 */
class WorkerPreflightCliTest {
  @TempDir Path dir;

  @Test
  void aWorkerWhoseInventoryPluginDoesNotExistDoesNotStart() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CliRun run =
        CliRun.run(
            dir,
            Map.of(
                "ANSIBLE_INVENTORY_ENABLED",
                "no_such_plugin",
                "TEMPORAL_ADDRESS",
                TemporalTroubleCliTest.closedPort()),
            "worker");
    try {
      assertEquals(ExitCode.BAD_INPUT, run.code(), run.toString());
      assertEquals(1, run.err().lines().count(), run.toString());
      assertTrue(
          run.err()
              .startsWith(
                  "amble worker: Ansible cannot run here: ansible-inventory cannot read a one-host"
                      + " YAML inventory (exit 1): [WARNING]: Failed to load inventory plugin,"
                      + " skipping no_such_plugin"),
          run.toString());
      assertTrue(run.err().contains("ANSIBLE_INVENTORY_ENABLED"), run.toString());
      assertFalse(run.err().contains("polling"), run.toString());
      assertFalse(run.err().contains("Temporal"), "connected first: " + run);
    } finally {
      Matcher log = Pattern.compile("\\(log: ([^)]+)\\)").matcher(run.err());
      if (log.find()) {
        try (Stream<Path> left = Files.walk(Path.of(log.group(1)).getParent())) {
          left.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(f -> f.delete());
        }
      }
    }
  }
}

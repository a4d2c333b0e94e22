package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The become password goes to the process that runs Ansible. run and check without --embedded
 * refuse the options that give one, and ignore $AMBLE_BECOME_PASSWORD (exported for a worker in the
 * same shell) with a note; --help documents the variable.
 */
class BecomePasswordCliTest {
  @TempDir Path dir;

  static final String ELSEWHERE =
      "the become password goes to the worker that runs Ansible (`amble worker -K`), not to `amble run`;"
          + " with --embedded, the worker is this command and takes it.\n";

  @Test
  void runIgnoresTheVariableWithANote() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    String nowhere = TemporalTroubleCliTest.closedPort();
    CliRun r =
        CliRun.run(
            dir, Map.of("AMBLE_BECOME_PASSWORD", "hunter2", "TEMPORAL_ADDRESS", nowhere), "run");
    assertEquals(3, r.code(), "goes on to connect: " + r);
    assertTrue(
        r.err().startsWith("amble: AMBLE_BECOME_PASSWORD is set and ignored: " + ELSEWHERE),
        r.err());
    assertTrue(r.err().contains("Temporal is unreachable at " + nowhere), r.err());
  }

  @Test
  void runRefusesAPasswordFileNamingIt() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CliRun r = CliRun.run(dir, "run", "--become-password-file", "/etc/amble/become");
    assertEquals(2, r.code(), r.toString());
    assertEquals("amble: --become-password-file: " + ELSEWHERE, r.err());
  }

  @Test
  void helpDocumentsTheVariable() {
    CliRun help = CliRun.run(dir, "--help");
    assertTrue(
        help.out()
            .contains("AMBLE_BECOME_PASSWORD  the become password for worker, init, --embedded"),
        help.out());
    CliRun worker = CliRun.run(dir, "worker", "--help");
    assertTrue(worker.out().contains("$AMBLE_BECOME_PASSWORD"), worker.out());
  }
}

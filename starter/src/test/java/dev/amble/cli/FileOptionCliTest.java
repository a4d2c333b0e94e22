package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -f FILE} is amble's, before the command; given after it, the operator is told where. */
class FileOptionCliTest {
  @TempDir Path dir;

  @Test
  void fileAfterTheCommandSaysWhereItGoes() {
    for (String[] args :
        new String[][] {
          {"plan", "-f", "other.yml"},
          {"init", "-f", "other.yml"},
          {"plan", "--output", "json", "--file", "other.yml"}
        }) {
      CliRun r = CliRun.run(dir, args);
      assertEquals(2, r.code(), r.toString());
      assertEquals(
          "amble: -f FILE goes before the command: amble -f other.yml " + args[0] + "\n",
          r.err(),
          String.join(" ", args));
    }
    CliRun nested = CliRun.run(dir, "workspace", "list", "--file=other.yml");
    assertEquals(
        "amble: -f FILE goes before the command: amble -f other.yml workspace list\n",
        nested.err());
  }

  @Test
  void initTakesForksOnlyByItsLongName() throws IOException {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CliRun r = CliRun.run(dir, "init", "--forks", "0");
    assertEquals(2, r.code(), r.toString());
    assertEquals("amble: --forks must be at least 1\n", r.err());
  }
}

package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker without a payload key would run whatever anyone who reaches Temporal starts: it refuses
 * to start, in one line that names both ways on, unless told {@code --insecure-plaintext}.
 */
class WorkerKeyCliTest {
  @TempDir Path dir;

  @Test
  void aWorkerWithoutAKeyRefusesToStart() throws Exception {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    try (TestTemporal temporal = TestTemporal.start()) {
      Map<String, String> env = new HashMap<>(temporal.env());
      env.put("AMBLE_CODEC_KEYS", "");
      env.put("AMBLE_CODEC_KEY_FILE", "");
      env.put("AMBLE_INSECURE_PLAINTEXT", "");
      CliRun run = CliRun.run(dir, env, "worker");
      assertEquals(ExitCode.BAD_INPUT, run.code(), run.toString());
      assertTrue(
          run.err().startsWith("amble worker: refusing to start without a payload key"),
          run.toString());
      assertTrue(run.err().contains("AMBLE_CODEC_KEY_FILE"), run.toString());
      assertTrue(run.err().contains("--insecure-plaintext"), run.toString());
      assertFalse(run.err().contains("polling"), run.toString());
    }
  }

  @Test
  void helpSaysWhatInsecurePlaintextRisks() {
    CliRun run = CliRun.run(dir, "worker", "--help");
    assertEquals(0, run.code(), run.toString());
    assertTrue(run.out().contains("--insecure-plaintext"), run.out());
    assertTrue(run.out().contains("AMBLE_INSECURE_PLAINTEXT"), run.out());
  }
}

package dev.amble.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.cli.common.ExitCode;
import dev.amble.codec.CodecKey;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.rollout.Caught;
import dev.amble.rollout.Progress;
import dev.amble.rollout.RolloutSummary;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CLI without payload keys that meets an encrypted rollout says which key it needs and where keys
 * come from, in one line, with the exit code of a setting to fix (2), not "unexpected error".
 */
class MissingKeyCliTest {
  @TempDir Path dir;

  @Test
  void aKeylessCliNamesTheKeyAnEncryptedRolloutNeeds() throws Exception {
    TemporalTroubleCliTest.amblefile(dir, TemporalTroubleCliTest.AMBLEFILE);
    CodecKey key = CodecKey.create(dir.resolve("elsewhere.key"));
    try (TestTemporal temporal = TestTemporal.start();
        NoWorkerCliTest.Client c = new NoWorkerCliTest.Client(temporal)) {
      WorkflowClient encrypting =
          WorkflowClient.newInstance(
              c.stubs,
              WorkflowClientOptions.newBuilder()
                  .setNamespace("default")
                  .setDataConverter(
                      EncryptionCodec.dataConverter(CodecKeys.of("test", List.of(key))))
                  .build());
      encrypting
          .newUntypedWorkflowStub(
              "RolloutWorkflow",
              WorkflowOptions.newBuilder()
                  .setWorkflowId("amble/default/fleet")
                  .setTaskQueue("amble")
                  .setMemo(
                      Map.of(
                          RolloutSummary.MEMO_KEY,
                          new RolloutSummary(
                              "fleet",
                              "patch",
                              "ops@host",
                              false,
                              "walking",
                              1,
                              Map.of(),
                              0,
                              List.of(),
                              List.of(),
                              Caught.NO,
                              Progress.NONE,
                              "r1",
                              1L,
                              "",
                              "",
                              0,
                              0)))
                  .build())
          .start();
      Map<String, String> env = new HashMap<>(temporal.env());
      env.put(CodecKeys.KEYS, "");
      env.put(CodecKeys.KEY_FILE, "");

      CliRun r = CliRun.run(dir, env, "status");

      assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
      assertTrue(r.err().contains("encrypted with key " + key.id()), r.toString());
      assertTrue(r.err().contains(CodecKeys.KEY_FILE), r.toString());
      assertFalse(r.err().contains("unexpected error"), r.toString());
      assertEquals(1, r.err().lines().count(), r.toString());
    }
  }
}

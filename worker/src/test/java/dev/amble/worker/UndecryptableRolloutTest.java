package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.codec.CodecKey;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.rollout.RolloutWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout started under a key the worker does not have ends failed, its failure naming the key,
 * rather than retrying a workflow task nobody sees.
 */
class UndecryptableRolloutTest {
  @TempDir Path dir;

  @Test
  void aRolloutUnderAKeyTheWorkerLacksFailsNamingTheKey() throws Exception {
    CodecKey key1 = CodecKey.create(dir.resolve("k1"));
    CodecKey key2 = CodecKey.create(dir.resolve("k2"));
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(
                            EncryptionCodec.dataConverter(CodecKeys.of("worker", List.of(key2))))
                        .build())
                .build());
    try {
      env.newWorker("q")
          .registerWorkflowImplementationTypes(AmbleWorker.WORKFLOWS, RolloutWorkflowImpl.class);
      env.start();
      // The CLI has both keys, the worker only the new one.
      WorkflowClient cli =
          WorkflowClient.newInstance(
              env.getWorkflowServiceStubs(),
              WorkflowClientOptions.newBuilder()
                  .setNamespace(env.getNamespace())
                  .setDataConverter(
                      EncryptionCodec.dataConverter(CodecKeys.of("cli", List.of(key1, key2))))
                  .build());
      WorkflowStub rollout =
          cli.newUntypedWorkflowStub(
              "RolloutWorkflow",
              WorkflowOptions.newBuilder()
                  .setWorkflowId("amble/default/undecryptable")
                  .setTaskQueue("q")
                  .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                  .build());
      rollout.start("a definition the worker cannot read");

      WorkflowFailedException e =
          assertThrows(WorkflowFailedException.class, () -> rollout.getResult(String.class));

      String message = String.valueOf(e.getCause().getMessage());
      assertTrue(message.contains("key " + key1.id()), message);
    } finally {
      env.close();
    }
  }
}

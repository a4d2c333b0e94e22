package dev.amble.rollout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.amble.host.Outcome;
import dev.amble.machine.TransitionVisits;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rollout the first engine continued as new, its input exactly as that engine wrote it (recorded
 * by RecordHistories: h01 to h04 done, h05 to h08 in the current wave's queue), goes on to
 * completion on the current engine: the carried queue is kept as pages, each of its hosts is walked
 * once, the finished ones never again, and the counts carry over.
 */
@ExtendWith(TransitionVisits.class)
class CarriedStateTest {
  @RegisterExtension static final TestWorkflowExtension ENV = RolloutWorkers.extension().build();

  static RolloutInput carried() throws Exception {
    // A new run every 20 events rather than the recorded 40: walks started by the worker spend
    // fewer of the rollout's events, and the test needs the state to cross a continue-as-new.
    byte[] json =
        Files.readString(Path.of("src/test/resources/carried/v1-carried-input.json"))
            .replace("\"eventsPerRun\":40", "\"eventsPerRun\":20")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Payload payload =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFrom(json))
            .build();
    return DefaultDataConverter.newDefaultInstance()
        .fromPayload(payload, RolloutInput.class, RolloutInput.class);
  }

  @Test
  void aFirstEngineStateIsWalkedToTheEndByTheCurrentEngine(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    RolloutInput input = carried();
    assertTrue(input.carried().isPresent() && input.state().isEmpty());
    assertEquals(List.of("h05", "h06", "h07", "h08"), input.carried().get().walkOrder());
    MockFleet fleet = new MockFleet(List.of());
    fleet.readPagesFrom(client);
    worker.registerActivitiesImplementations(fleet.activities());
    env.start();
    RolloutWorkflow wf =
        client.newWorkflowStub(
            RolloutWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("amble/fleet")
                .setTaskQueue(worker.getTaskQueue())
                .build());
    RolloutStatus done = wf.run(input);
    assertEquals("done", done.phase());
    assertEquals(List.of("h05", "h06", "h07", "h08"), fleet.prepared.stream().sorted().toList());
    assertEquals(8, done.count(Outcome.SUCCEEDED));
    assertEquals(8, done.total());
    assertEquals(0, done.remaining());
    assertTrue(done.runs() >= 2, "runs " + done.runs());
    assertTrue(done.pages().startsWith("amble/fleet/@pages/"), done.pages());
  }
}

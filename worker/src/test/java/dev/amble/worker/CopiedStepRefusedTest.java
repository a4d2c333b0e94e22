package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.amble.amblefile.AmblefileLoader;
import dev.amble.codec.CodecKey;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.host.FinishRequest;
import dev.amble.host.HostActivities;
import dev.amble.host.HostInput;
import dev.amble.host.JobRequest;
import dev.amble.host.Preparation;
import dev.amble.host.PrepareRequest;
import dev.amble.host.RunResult;
import dev.amble.host.RunStatus;
import dev.amble.host.StepRequest;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.RetryOptions;
import io.temporal.common.converter.RawValue;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A step asked by reference ({@link StepRequest}) runs what the input of the workflow that asked it
 * names, read through the worker's codec: a key holder's step request copied into a workflow whose
 * input the key did not encrypt runs nothing. (A copied input as well runs again, as the threat
 * model says of any copied activity input: the frontend is the fence against that.)
 */
class CopiedStepRefusedTest {
  @TempDir Path dir;

  private TestWorkflowEnvironment env;
  private WorkflowClient keyed;
  private WorkflowClient keyless;

  /** The jobs a copied step bought. */
  static final List<String> RAN = new CopyOnWriteArrayList<>();

  public static class CountingHosts implements HostActivities {
    @Override
    public Preparation prepareHost(PrepareRequest request) {
      throw new IllegalStateException("not asked here");
    }

    @Override
    public RunResult runJob(JobRequest request) {
      RAN.add(request.target().host() + ":" + request.step().job().name());
      return new RunResult(RunStatus.OK, "", "", "", 0, "/l");
    }

    @Override
    public RunResult finishHost(FinishRequest request) {
      throw new IllegalStateException("not asked here");
    }
  }

  /**
   * A workflow on its own worker that schedules amble's step: with a payload it was given (copied
   * from history, passed on as it is), or its own.
   */
  @WorkflowInterface
  public interface Asker {
    @WorkflowMethod
    String run(HostInput walk, String step);
  }

  public static class AskerImpl implements Asker {
    @Override
    public String run(HostInput walk, String step) {
      Object request = new StepRequest("patch", 0, false, true, false);
      if (!step.isEmpty()) {
        try {
          request = new RawValue(Payload.parseFrom(Base64.getDecoder().decode(step)));
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          throw new IllegalArgumentException(e);
        }
      }
      return Workflow.newUntypedActivityStub(
              ActivityOptions.newBuilder()
                  .setTaskQueue("amble")
                  .setStartToCloseTimeout(Duration.ofSeconds(20))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
                  .build())
          .execute("RunStep", RunResult.class, request)
          .status()
          .name();
    }
  }

  @BeforeEach
  void start() throws Exception {
    RAN.clear();
    CodecKeys keys = CodecKeys.of("test", List.of(CodecKey.create(dir.resolve("key"))));
    env = TestWorkflowEnvironment.newInstance();
    keyed = client(Optional.of(keys));
    keyless = client(Optional.empty());
    io.temporal.worker.WorkerFactory amble =
        io.temporal.worker.WorkerFactory.newInstance(
            AmbleWorker.refusingPlaintext(keyed, Optional.of(keys)));
    amble.newWorker("amble").registerActivitiesImplementations(new CountingHosts());
    io.temporal.worker.WorkerFactory keyedAskers =
        io.temporal.worker.WorkerFactory.newInstance(keyed);
    keyedAskers.newWorker("keyed").registerWorkflowImplementationTypes(AskerImpl.class);
    io.temporal.worker.WorkerFactory attackers =
        io.temporal.worker.WorkerFactory.newInstance(keyless);
    attackers.newWorker("attacker").registerWorkflowImplementationTypes(AskerImpl.class);
    amble.start();
    keyedAskers.start();
    attackers.start();
  }

  private WorkflowClient client(Optional<CodecKeys> keys) {
    WorkflowClientOptions.Builder options =
        WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace());
    keys.ifPresent(k -> options.setDataConverter(EncryptionCodec.dataConverter(k)));
    return WorkflowClient.newInstance(env.getWorkflowServiceStubs(), options.build());
  }

  @AfterEach
  void stop() {
    env.close();
  }

  static HostInput walkOf(String host) throws Exception {
    return new HostInput(
        AmblefileLoader.parse(
                Path.of("/virtual/Amblefile.yml"),
                "Amblefile.yml",
                """
                workspaces:
                  fleet: { host_pattern: fleet, workflow: patch }
                workflows:
                  patch: { jobs: [ { job: patch } ] }
                jobs:
                  patch: { tasks: [ { ansible.builtin.shell: id > /tmp/owned } ] }
                """)
            .definition("fleet"),
        host,
        "rollout-1",
        false,
        false,
        Duration.ofSeconds(30),
        false,
        1,
        true,
        true,
        "",
        true,
        true);
  }

  /** A key holder's step request, as it stands in a walk's history. */
  String copiedStep() {
    Payload p =
        keyed
            .getOptions()
            .getDataConverter()
            .toPayload(new StepRequest("patch", 0, false, true, false))
            .orElseThrow();
    return Base64.getEncoder().encodeToString(p.toByteArray());
  }

  private String ask(WorkflowClient as, String queue, String id, String step) throws Exception {
    return as.newWorkflowStub(
            Asker.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(queue)
                .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                .build())
        .run(walkOf(id), step);
  }

  @Test
  void aCopiedStepInAWorkflowWhoseInputTheKeyDidNotEncryptRunsNothing() throws Exception {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> ask(keyless, "attacker", "web-01", copiedStep()));

    // The refusal is the reason the activity failed, as its type (all a keyless reader sees).
    assertEquals(
        dev.amble.codec.RefusedPayload.RefusedPayloadException.class.getName(),
        ((io.temporal.failure.ApplicationFailure) e.getCause().getCause()).getType(),
        chain(e));
    assertEquals(List.of(), RAN);
  }

  /**
   * The control: the same step, asked by a workflow the key started, runs its input's job; and the
   * copied one's own payload is one the worker reads (so what refused the attacker is its input).
   */
  @Test
  void theSameStepInAWorkflowTheKeyStartedRunsItsInputsJob() throws Exception {
    StepRequest copied =
        keyed
            .getOptions()
            .getDataConverter()
            .fromPayload(
                Payload.parseFrom(Base64.getDecoder().decode(copiedStep())),
                StepRequest.class,
                StepRequest.class);
    assertEquals(new StepRequest("patch", 0, false, true, false), copied);
    assertEquals("OK", ask(keyed, "keyed", "web-02", ""));
    assertEquals(List.of("web-02:patch"), RAN);
  }

  private static String chain(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }
}

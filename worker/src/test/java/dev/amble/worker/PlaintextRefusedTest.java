package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.amble.codec.CodecKey;
import dev.amble.codec.CodecKeys;
import dev.amble.codec.EncryptionCodec;
import dev.amble.rollout.RolloutWorkflowImpl;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that holds keys does nothing for whoever lacks them: a start, signal, update or activity
 * whose payload is not encrypted with one of its keys (the first attack: {@code amble run}
 * from a folder without the key) never reaches amble's code, and never wedges the workflow it was
 * aimed at.
 */
class PlaintextRefusedTest {
  @TempDir Path dir;

  private TestWorkflowEnvironment env;
  private WorkflowClient keyed;
  private WorkflowClient keyless;
  private Worker worker;

  /** Stands for the Ansible activities: counts the runs an attacker would want. */
  @ActivityInterface
  public interface Ansible {
    String runJob(String host);
  }

  static final AtomicInteger RUNS = new AtomicInteger();

  public static class CountingAnsible implements Ansible {
    @Override
    public String runJob(String host) {
      RUNS.incrementAndGet();
      return "ran on " + host;
    }
  }

  /** Stands for a running rollout: held until released, steered by signal and update. */
  @WorkflowInterface
  public interface Held {
    @WorkflowMethod
    String run(String input);

    @SignalMethod
    void release(String by);

    @UpdateMethod
    String catchIt(String by);
  }

  public static class HeldImpl implements Held {
    private String releasedBy = "";
    private String caughtBy = "";

    @Override
    public String run(String input) {
      Workflow.await(() -> !releasedBy.isEmpty());
      return input + " released by " + releasedBy + ", caught by " + caughtBy;
    }

    @Override
    public void release(String by) {
      releasedBy = by;
    }

    @Override
    public String catchIt(String by) {
      caughtBy = by;
      return "caught";
    }
  }

  /**
   * An attacker's own workflow, on its own worker: it schedules amble's activity, in plain text.
   */
  @WorkflowInterface
  public interface Attacker {
    @WorkflowMethod
    String run(String queue);
  }

  public static class AttackerImpl implements Attacker {
    @Override
    public String run(String queue) {
      Ansible ansible =
          Workflow.newActivityStub(
              Ansible.class,
              ActivityOptions.newBuilder()
                  .setTaskQueue(queue)
                  .setStartToCloseTimeout(Duration.ofSeconds(20))
                  .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
                  .build());
      return ansible.runJob("every-host");
    }
  }

  @BeforeEach
  void start() throws Exception {
    RUNS.set(0);
    CodecKeys keys = CodecKeys.of("test", List.of(CodecKey.create(dir.resolve("key"))));
    env = TestWorkflowEnvironment.newInstance();
    keyed =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder()
                .setNamespace(env.getNamespace())
                .setDataConverter(EncryptionCodec.dataConverter(keys))
                .build());
    keyless =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder().setNamespace(env.getNamespace()).build());
    // The worker's client as amble worker makes it: the CLI's, reading only what its keys
    // encrypted.
    io.temporal.worker.WorkerFactory factory =
        io.temporal.worker.WorkerFactory.newInstance(
            AmbleWorker.refusingPlaintext(keyed, java.util.Optional.of(keys)));
    worker = factory.newWorker("amble");
    worker.registerWorkflowImplementationTypes(
        AmbleWorker.WORKFLOWS, RolloutWorkflowImpl.class, HeldImpl.class);
    worker.registerActivitiesImplementations(new CountingAnsible());
    io.temporal.worker.WorkerFactory attackers =
        io.temporal.worker.WorkerFactory.newInstance(keyless);
    attackers.newWorker("attacker").registerWorkflowImplementationTypes(AttackerImpl.class);
    factory.start();
    attackers.start();
  }

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aRolloutStartedWithoutTheKeyFailsNamingWhy() {
    WorkflowStub rollout =
        keyless.newUntypedWorkflowStub(
            "RolloutWorkflow",
            WorkflowOptions.newBuilder()
                .setWorkflowId("amble/default/attacked")
                .setTaskQueue("amble")
                .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                .build());
    rollout.start("{\"definition\": \"a shell task that writes id to a file\"}");

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> rollout.getResult(String.class));

    // Whoever lacks the key sees only the failure's type; its message is the worker's, encrypted.
    assertTrue(chain(e).contains("RefusedPayloadException"), chain(e));
    WorkflowFailedException read =
        assertThrows(
            WorkflowFailedException.class,
            () -> keyed.newUntypedWorkflowStub("amble/default/attacked").getResult(String.class));
    assertTrue(chain(read).contains("amble refused a payload that is not encrypted"), chain(read));
    assertEquals(0, RUNS.get());
  }

  @Test
  void keylessSignalsAndUpdatesLeaveARunningWorkflowRunningAndSteerable() {
    Held held =
        keyed.newWorkflowStub(
            Held.class,
            WorkflowOptions.newBuilder().setWorkflowId("held").setTaskQueue("amble").build());
    WorkflowClient.start(held::run, "rollout");
    Held forged = keyless.newWorkflowStub(Held.class, "held");

    forged.release("mallory");
    Exception refused = assertThrows(Exception.class, () -> forged.catchIt("mallory"));
    // Rejected, not run: its reason is the worker's, encrypted, so the sender reads only that.
    assertTrue(refused instanceof io.temporal.client.WorkflowUpdateException, chain(refused));

    assertEquals("caught", held.catchIt("carol"));
    held.release("carol");
    assertEquals(
        "rollout released by carol, caught by carol",
        WorkflowStub.fromTyped(held).getResult(String.class));
  }

  @Test
  void anActivityScheduledWithPlaintextInputNeverRuns() {
    Attacker attacker =
        keyless.newWorkflowStub(
            Attacker.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId("attacker")
                .setTaskQueue("attacker")
                .setWorkflowExecutionTimeout(Duration.ofMinutes(2))
                .build());

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> attacker.run("amble"));

    assertTrue(e.getCause() instanceof ActivityFailure, String.valueOf(e.getCause()));
    assertTrue(chain(e).contains("RefusedPayloadException"), chain(e));
    assertEquals(0, RUNS.get());
  }

  private static String chain(Throwable e) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      all.append(t).append('\n');
    }
    return all.toString();
  }
}

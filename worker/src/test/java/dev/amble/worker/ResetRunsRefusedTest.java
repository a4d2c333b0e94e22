package dev.amble.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The reset rule: a run whose history began as another run is a reset run; a run that continued as
 * new is not (its history begins as itself), so rollouts that continue as new go on working.
 */
class ResetRunsRefusedTest {
  @Test
  void aRunIsResetWhenItsHistoryBeganAsAnotherRun() {
    assertTrue(ResetRunsRefused.reset("run-2", "run-1"));
    assertFalse(ResetRunsRefused.reset("run-1", "run-1"));
    assertFalse(ResetRunsRefused.reset("run-1", ""), "a server older than 1.27 says nothing");
  }

  @ActivityInterface
  public interface Step {
    String step(int run);
  }

  @WorkflowInterface
  public interface Continuing {
    @WorkflowMethod
    String run(int runs);
  }

  public static class ContinuingImpl implements Continuing {
    @Override
    public String run(int runs) {
      String done =
          Workflow.newActivityStub(
                  Step.class,
                  ActivityOptions.newBuilder()
                      .setStartToCloseTimeout(Duration.ofSeconds(10))
                      .build())
              .step(runs);
      if (runs < 3) {
        Workflow.continueAsNew(runs + 1);
      }
      return done;
    }
  }

  @Test
  void runsThatContinueAsNewStillWork() {
    TestWorkflowEnvironment env =
        TestWorkflowEnvironment.newInstance(
            io.temporal.testing.TestEnvironmentOptions.newBuilder()
                .setWorkerFactoryOptions(
                    WorkerFactoryOptions.newBuilder()
                        .setWorkerInterceptors(new ResetRunsRefused())
                        .build())
                .build());
    try {
      Worker worker = env.newWorker("q");
      worker.registerWorkflowImplementationTypes(ContinuingImpl.class);
      worker.registerActivitiesImplementations((Step) run -> "step " + run);
      env.start();
      WorkflowClient client = env.getWorkflowClient();
      Continuing wf =
          client.newWorkflowStub(
              Continuing.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue("q")
                  .setWorkflowExecutionTimeout(Duration.ofMinutes(1))
                  .build());
      assertEquals("step 3", wf.run(1));
    } finally {
      env.close();
    }
  }
}
